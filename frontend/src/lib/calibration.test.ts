import { describe, expect, it } from 'vitest';
import type { Artifact, ArtifactType } from '../api/types';
import { makeArtifact } from '../test/fixtures';
import { calibrationStep, latestCalibrationArtifact, readCalibration, reliabilityDiagram, type Calibration } from './calibration';

const table = (id: number, name: string, kind: ArtifactType = 'table'): Artifact => makeArtifact({ id, name, kind, path: `/x/${name}.json`, step: null, size_bytes: 10 });

describe('calibration artifacts', () => {
  it('reads the step from the name', () => {
    expect(calibrationStep('calibration-step-40')).toBe(40);
    expect(calibrationStep('calibration-step-')).toBeNull();
    expect(calibrationStep('cl-matrix')).toBeNull();
    expect(calibrationStep(undefined)).toBeNull();
  });

  it('picks the table artifact with the largest step, ignoring other kinds and names', () => {
    const artifacts = [table(1, 'calibration-step-10'), table(2, 'calibration-step-200'), table(3, 'calibration-step-30'),
      table(4, 'calibration-step-999', 'checkpoint'), table(5, 'cl-matrix')];
    expect(latestCalibrationArtifact(artifacts)?.id).toBe(2);
    expect(latestCalibrationArtifact([table(5, 'cl-matrix')])).toBeNull();
  });

  it('refuses malformed content with a reason', () => {
    expect(readCalibration({ kind: 'cl-matrix' })).toEqual({ ok: false, error: expect.stringMatching(/not "calibration"/) });
    expect(readCalibration({ kind: 'calibration', bins: [] })).toEqual({ ok: false, error: expect.stringMatching(/no bins/) });
    expect(readCalibration({ kind: 'calibration', bins: [{ lower: 0.5, upper: 0.5 }] })).toEqual({ ok: false, error: expect.stringMatching(/Bin 0/) });
  });
});

describe('reliabilityDiagram', () => {
  const calibration: Calibration = {
    kind: 'calibration', step: 40, ece: 0.1,
    bins: [
      { lower: 0, upper: 0.5, count: 10, confidence: 0.3, accuracy: 0.2 },
      { lower: 0.5, upper: 1, count: 40, confidence: 0.8, accuracy: 1 },
    ],
  };
  const geometry = { width: 120, height: 120, margin: { left: 10, bottom: 10, top: 10, right: 10 } };

  it('places bars over their confidence range with heights from accuracy', () => {
    const d = reliabilityDiagram(calibration, geometry);
    expect(d.plot).toEqual({ x: 10, y: 10, width: 100, height: 100 });
    expect(d.diagonal).toEqual({ x1: 10, y1: 110, x2: 110, y2: 10 });
    expect(d.bars[0]).toMatchObject({ x: 10, width: 50, y: 90, height: 20 });
    expect(d.bars[1]).toMatchObject({ x: 60, width: 50, y: 10, height: 100 });
    expect(d.bars[0]!.expectedY).toBeCloseTo(80, 12);
    expect(d.total).toBe(50);
  });

  it('scales counts to the fullest bin and draws nothing for an empty bin', () => {
    const d = reliabilityDiagram({ ...calibration, bins: [...calibration.bins, { lower: 0.2, upper: 0.3, count: 0, confidence: null, accuracy: null }] }, geometry);
    expect(d.bars[1]!.countHeight).toBe(100);
    expect(d.bars[0]!.countHeight).toBe(25);
    expect(d.bars[0]!.countY).toBe(85);
    expect(d.bars[2]).toMatchObject({ height: 0, countHeight: 0, expectedY: null });
    expect(d.bars[2]!.label).toMatch(/no predictions/);
    expect(d.bars[1]!.label).toBe('confidence 0.50–1.00: accuracy 1.00 at mean confidence 0.80, 40 predictions');
  });
});
