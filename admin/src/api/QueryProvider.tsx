import * as React from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';

/**
 * The plugin's one query cache, shared by its pages (App, Settings → Mappings) and the Content
 * Manager side panel. Failed requests are not retried (the page shows the error with a Retry
 * button) and nothing refetches on window focus: the admin refreshes with its Refresh buttons.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: false, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});

/** Wraps a page of the plugin in the shared query cache. */
export const QueryProvider = ({ children }: { children: React.ReactNode }) => (
  <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
);
