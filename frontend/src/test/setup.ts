// Loaded before every test file (vite.config.ts `test.setupFiles`).
//
// Testing Library's findBy*/waitFor give up after 1 s by default. On an idle machine a screen test
// settles in tens of milliseconds, but on a shared 2-core CI machine running the backend suite
// beside this one, rendering the whole app and its first queries has taken longer than that
// (sweeps.test.tsx once missed the kd_forward_kl field). The waits poll, so a longer limit costs
// nothing when the page is quick; it only turns a slow pass into a pass instead of a failure.
import { configure } from '@testing-library/dom';

export const ASYNC_UTIL_TIMEOUT_MS = 15_000;

configure({ asyncUtilTimeout: ASYNC_UTIL_TIMEOUT_MS });
