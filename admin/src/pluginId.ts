/** The plugin's id: the admin route prefix, the translation prefix and the server API prefix. */
export const PLUGIN_ID = 'event-streaming';
