// Routes. Django answers every UI path with the same page, so BrowserRouter owns the URL.
// The new-run form (rjsf + ajv) and the run page (uPlot) are loaded on demand: most of the
// bundle's weight is theirs, and the sign-in page and runs list do not need it.

import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { LoginPage } from '../pages/LoginPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { RunsPage } from '../pages/RunsPage';
import { Layout } from './Layout';
import { createQueryClient } from './queryClient';
import { RequireAuth } from './RequireAuth';

const NewRunPage = lazy(() => import('../pages/NewRunPage').then((m) => ({ default: m.NewRunPage })));
const RunDetailPage = lazy(() => import('../pages/RunDetailPage').then((m) => ({ default: m.RunDetailPage })));

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route element={<RequireAuth />}>
            <Route element={<Layout />}>
              <Route index element={<Navigate to="/runs" replace />} />
              <Route path="runs" element={<RunsPage />} />
              <Route path="runs/new" element={<NewRunPage />} />
              <Route path="runs/:runId" element={<RunDetailPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
