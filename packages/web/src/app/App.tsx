import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { queryClient } from './query';
import { router } from './router';

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      {/* The session is the router's (around the sign-in and the signed-in app), so the public report pages have none. */}
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
