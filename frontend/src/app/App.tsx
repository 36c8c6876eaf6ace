// Routes. Django answers every UI path with the same page, so BrowserRouter owns the URL.
// Every page but sign-in and the runs list is loaded on demand: the new-run form carries rjsf +
// ajv and the chart pages uPlot, most of the bundle's weight, which the first screens do not need.

import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { LoginPage } from '../pages/LoginPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { RunsPage } from '../pages/RunsPage';
import { Layout } from './Layout';
import { createQueryClient } from './queryClient';
import { RequireAuth } from './RequireAuth';

const NewRunPage = lazy(() => import('../pages/NewRunPage').then((m) => ({ default: m.NewRunPage })));
const RunDetailPage = lazy(() => import('../pages/RunDetailPage').then((m) => ({ default: m.RunDetailPage })));
const ComparePage = lazy(() => import('../pages/ComparePage').then((m) => ({ default: m.ComparePage })));
const DashboardPage = lazy(() => import('../pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const DatasetsPage = lazy(() => import('../pages/DatasetsPage').then((m) => ({ default: m.DatasetsPage })));
const DatasetDetailPage = lazy(() => import('../pages/DatasetDetailPage').then((m) => ({ default: m.DatasetDetailPage })));
const ModelsPage = lazy(() => import('../pages/ModelsPage').then((m) => ({ default: m.ModelsPage })));
const ModelDetailPage = lazy(() => import('../pages/ModelDetailPage').then((m) => ({ default: m.ModelDetailPage })));
const SharedPage = lazy(() => import('../pages/SharedPage').then((m) => ({ default: m.SharedPage })));
const SweepPage = lazy(() => import('../pages/SweepPage').then((m) => ({ default: m.SweepPage })));
const PlaygroundPage = lazy(() => import('../pages/PlaygroundPage').then((m) => ({ default: m.PlaygroundPage })));
const InvitationPage = lazy(() => import('../pages/InvitationPage').then((m) => ({ default: m.InvitationPage })));
const SettingsPage = lazy(() => import('../pages/SettingsPage').then((m) => ({ default: m.SettingsPage })));

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          {/* A share link's page needs no account: outside the sign-in gate. */}
          <Route path="/shared/:token" element={(
            <Suspense fallback={<p role="status" className="page-loading">Loading…</p>}>
              <SharedPage />
            </Suspense>
          )} />
          <Route element={<RequireAuth />}>
            <Route element={<Layout />}>
              <Route index element={<DashboardPage />} />
              <Route path="runs" element={<RunsPage />} />
              <Route path="runs/new" element={<NewRunPage />} />
              <Route path="runs/:runId" element={<RunDetailPage />} />
              <Route path="compare" element={<ComparePage />} />
              <Route path="datasets" element={<DatasetsPage />} />
              <Route path="datasets/:datasetId" element={<DatasetDetailPage />} />
              <Route path="models" element={<ModelsPage />} />
              <Route path="models/:modelId" element={<ModelDetailPage />} />
              <Route path="sweeps/:sweepId" element={<SweepPage />} />
              <Route path="playground" element={<PlaygroundPage />} />
              <Route path="invitations/:token" element={<InvitationPage />} />
              <Route path="settings" element={<SettingsPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
