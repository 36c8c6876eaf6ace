// The test set-up's wait limit is in force in every test file.

import { getConfig } from '@testing-library/dom';
import { expect, it } from 'vitest';
import { ASYNC_UTIL_TIMEOUT_MS } from './setup';

it('gives findBy*/waitFor a limit that holds on a busy machine', () => {
  expect(getConfig().asyncUtilTimeout).toBe(ASYNC_UTIL_TIMEOUT_MS);
  expect(ASYNC_UTIL_TIMEOUT_MS).toBeGreaterThanOrEqual(10_000);
});
