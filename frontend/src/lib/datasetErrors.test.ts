import { describe, expect, it } from 'vitest';
import { splitUploadErrors } from './datasetErrors';

describe('splitUploadErrors', () => {
  it('turns file.row.N keys into rows sorted by number and keeps the rest as field errors', () => {
    expect(splitUploadErrors({
      'file.row.17': ["field 'text' is missing"],
      'file.row.3': ['not valid JSON (Expecting value)'],
      name: 'A dataset needs a name.',
      file: ['The uploaded file is empty.'],
    })).toEqual({
      rows: [
        { row: 3, messages: ['not valid JSON (Expecting value)'] },
        { row: 17, messages: ["field 'text' is missing"] },
      ],
      fields: { name: ['A dataset needs a name.'], file: ['The uploaded file is empty.'] },
    });
  });

  it('is empty without errors', () => {
    expect(splitUploadErrors(undefined)).toEqual({ rows: [], fields: {} });
    expect(splitUploadErrors({ 'file.rows': ['x'] }).fields).toEqual({ 'file.rows': ['x'] });
  });
});
