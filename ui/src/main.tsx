/**
 * The flightdeck dashboard: entry point and routes.
 *
 *   /?kind=…&status=…&page=…       Runs (pages/RunsPage.tsx)
 *   /runs/:id                      Run overview (pages/RunOverviewPage.tsx, lazy: it carries the charts)
 *   /runs/:id/templates?verdict=…&cluster=…&table=…&rule=…&q=…&sort=…&order=…&page=…
 *                                  Templates (pages/TemplatesPage.tsx)
 *   /runs/:id/templates/:fp[?view=text]
 *                                  Template detail (pages/TemplateDetailPage.tsx, lazy)
 *
 * The app talks only to the JSON API of server/api-types.ts, whose types it
 * imports with `import type` only (test/architecture.test.ts checks it).
 * A `?token=` on first load is saved in localStorage and removed from the URL.
 *
 * Stable hooks for the browser tests (data-testid unless said otherwise):
 *   runs-table, run-row (data-run, data-status), runs-pager, runs-filter-kind, runs-filter-status (selects)
 *   verdict-badges (a group), verdict-badge (data-verdict; count in <b>)
 *   progress-bar (data-done, data-total; a native <progress> inside)
 *   me (who is signed in), token-dialog, token-input
 *   approvals-download, approvals-write
 *   verdict-table, chart-cost-ratios, chart-latency, chart-clusters,
 *   clusters-table, cluster-row (data-cluster), top-regressions, mismatches
 *   template-filters, filter-verdict, filter-cluster, filter-table, filter-rule (selects),
 *   filter-q (search box, debounced 250 ms), filter-clear, sort-<column> (header buttons:
 *   sort-impact, sort-weight, sort-cost-ratio, sort-verdict, sort-fingerprint, sort-count, sort-head-ms)
 *   templates-table (data-total), template-row (data-fingerprint, data-verdict), templates-pager
 *   sql, rules, cluster, flight, flight-correctness, mismatch, mismatch-rows, cross-check, chart-timing
 *   plan-base, plan-head (the trees; data-render-ms on their .plan-diff container),
 *   plan-node (data-edit="insert|remove|move|update|keep", data-index, data-partner),
 *   most-changed, plan-diff-counts, text-diff-toggle, text-diff
 *   approval (the box), approve-button, approve-disabled-reason, approve-dialog,
 *   approve-reason, approve-submit, approve-result, approved
 *   loading, error, empty (the page states)
 * The plan trees' render time is the user-timing measure `plan-diff-render`.
 */
import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, Route, Routes, useLocation } from 'react-router';
import { adoptTokenFromUrl } from './api/token.ts';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { Layout } from './components/Layout.tsx';
import { Empty, Loading } from './components/States.tsx';
import { RunsPage } from './pages/RunsPage.tsx';
import { TemplatesPage } from './pages/TemplatesPage.tsx';
import './styles.css';

const RunOverviewPage = lazy(() => import('./pages/RunOverviewPage.tsx'));
const TemplateDetailPage = lazy(() => import('./pages/TemplateDetailPage.tsx'));

adoptTokenFromUrl();

function NotFound() {
  return (
    <Empty>
      No page here. <Link to="/">Back to the runs</Link>.
    </Empty>
  );
}

/** the pages, with a fresh error boundary per address (an error on one page does not stick to the next) */
function Pages() {
  const { pathname } = useLocation();
  return (
    <ErrorBoundary key={pathname}>
      <Suspense fallback={<Loading what="page" />}>
        <Routes>
          <Route path="/" element={<RunsPage />} />
          <Route path="/runs/:id" element={<RunOverviewPage />} />
          <Route path="/runs/:id/templates" element={<TemplatesPage />} />
          <Route path="/runs/:id/templates/:fp" element={<TemplateDetailPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </ErrorBoundary>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <Layout>
        <Pages />
      </Layout>
    </BrowserRouter>
  </StrictMode>,
);
