import { describe, expect, it } from 'vitest';
import {
  cellFill, cellLightness, cellTextColor, clMetrics, formatCell, goodnessScale, heatmapLayout, readClMatrix, type ClMatrix,
} from './clMatrix';

const artifact = {
  kind: 'cl-matrix',
  tasks: ['math', 'code', 'chat'],
  completed: 2,
  initial: { loss: [3, 3.2, 3.4], accuracy: [0.1, 0.2, 0.3] },
  matrices: {
    loss: [[1, 3, 3.3], [2, 1.5, 3]],
    accuracy: [[0.9, 0.25, 0.3], [0.5, 0.8, 0.35]],
  },
  summary: { accuracy: { average: 0.55, backward_transfer: -0.4, forgetting: 0.4, forward_transfer: null }, loss: {} },
  higher_is_better: { accuracy: true, loss: false },
};

function matrix(): ClMatrix {
  const read = readClMatrix(artifact);
  if (!read.ok) throw new Error(read.error);
  return read.matrix;
}

describe('readClMatrix', () => {
  it('accepts the engine\'s shape and refuses malformed ones with a reason', () => {
    expect(matrix().tasks).toEqual(['math', 'code', 'chat']);
    expect(readClMatrix(null)).toEqual({ ok: false, error: expect.stringMatching(/not a JSON object/) });
    expect(readClMatrix({ ...artifact, kind: 'calibration' })).toEqual({ ok: false, error: expect.stringMatching(/not "cl-matrix"/) });
    expect(readClMatrix({ ...artifact, matrices: { loss: [[1, 2]] } })).toEqual({ ok: false, error: expect.stringMatching(/row of 3 values/) });
  });

  it('lists accuracy first', () => {
    expect(clMetrics(matrix())).toEqual(['accuracy', 'loss']);
  });
});

describe('colour scale', () => {
  it('maps the best value to 1 and the worst to 0, by the direction of the metric', () => {
    const up = goodnessScale([0.2, 0.6, 1, null], true);
    expect(up(1)).toBe(1);
    expect(up(0.2)).toBe(0);
    expect(up(0.6)).toBeCloseTo(0.5, 12);
    const down = goodnessScale([1, 3], false);
    expect(down(1)).toBe(1);
    expect(down(3)).toBe(0);
    expect(down(2)).toBeCloseTo(0.5, 12);
    expect(goodnessScale([2, 2], true)(2)).toBe(1);
    expect(goodnessScale([], true)(5)).toBe(1);
  });

  it('draws better values darker, with readable text', () => {
    expect(cellLightness(1)).toBeLessThan(cellLightness(0));
    expect(cellFill(1)).toBe('hsl(217 70% 30.0%)');
    expect(cellFill(0)).toBe('hsl(217 70% 96.0%)');
    expect(cellTextColor(1)).toBe('#ffffff');
    expect(cellTextColor(0)).toBe('#0f172a');
  });

  it('formats numbers short', () => {
    expect(formatCell(0.8)).toBe('0.80');
    expect(formatCell(12.34)).toBe('12.3');
    expect(formatCell(123.4)).toBe('123');
    expect(formatCell(0.00012)).toBe('1.2e-4');
    expect(formatCell(null)).toBe('—');
  });
});

describe('heatmapLayout', () => {
  it('puts the initial row first, then a row per task with unfinished ones pending', () => {
    const map = heatmapLayout(matrix(), 'accuracy', { cell: 50, labelWidth: 100, headerHeight: 30 });
    expect(map.rows.map((r) => [r.label, r.pending])).toEqual([
      ['Before training', false], ['After math', false], ['After code', false], ['After chat', true],
    ]);
    expect(map.width).toBe(100 + 3 * 50);
    expect(map.height).toBe(30 + 4 * 50);
    expect(map.cells).toHaveLength(12);
    const cell = (row: number, column: number) => map.cells.find((c) => c.row === row && c.column === column)!;
    expect(cell(1, 0)).toMatchObject({ x: 100, y: 80, value: 0.9, text: '0.90', pending: false });
    expect(cell(2, 1)).toMatchObject({ x: 150, y: 130, value: 0.8 });
    expect(cell(3, 2)).toMatchObject({ pending: true, value: null, text: 'pending' });
    expect(map.columns.map((c) => c.x)).toEqual([125, 175, 225]);
    // 0.9 is the best accuracy shown: the darkest cell; 0.1 (before training, math) the palest.
    expect(cell(1, 0).fill).toBe(cellFill(1));
    expect(cell(0, 0).fill).toBe(cellFill(0));
  });

  it('reverses the scale for loss, where lower is better', () => {
    const map = heatmapLayout(matrix(), 'loss');
    const best = map.cells.find((c) => c.value === 1)!;
    const worst = map.cells.find((c) => c.value === 3.4)!;
    expect(map.higherIsBetter).toBe(false);
    expect(best.fill).toBe(cellFill(1));
    expect(worst.fill).toBe(cellFill(0));
  });

  it('works without an initial row', () => {
    const read = readClMatrix({ ...artifact, initial: {} });
    const map = heatmapLayout((read as { matrix: ClMatrix }).matrix, 'loss');
    expect(map.rows[0]!.label).toBe('After math');
    expect(map.rows).toHaveLength(3);
  });
});
