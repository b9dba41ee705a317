export const PLUGIN_ID = 'event-streaming';
