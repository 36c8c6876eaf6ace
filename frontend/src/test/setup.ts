// Loaded before every test file (vite.config.ts, test.setupFiles). Testing Library's findBy* and
// waitFor give up after 1 s by default, which a busy shared 2-core machine can exceed (a CI run once
// failed that way in src/app/sweeps.test.tsx): they wait up to 15 s, and each test up to 60 s.
// A passing wait returns as soon as its condition holds, so this costs nothing on an idle machine.
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 15_000 });
