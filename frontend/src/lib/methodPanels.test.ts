import { describe, expect, it } from 'vitest';
import type { Method } from '../api/types';
import { alignmentMetrics, runPanels } from './methodPanels';

const method = (name: string, family: string, extra: Partial<Method['requires']> = {}): Method => ({
  name, family, description: '', paper: { title: '', url: '' }, schema: {},
  requires: { teacher: family === 'distillation', reference: family === 'alignment', dataset_kinds: [], tasks: false, ...extra },
});

describe('runPanels', () => {
  it('shows the teacher gap for distillation with a teacher only', () => {
    expect(runPanels({ method: 'kd', teacher: 2 }, method('kd', 'distillation'), []).teacherGap).toBe(true);
    expect(runPanels({ method: 'lm_train', teacher: null }, method('lm_train', 'distillation'), []).teacherGap).toBe(false);
    expect(runPanels({ method: 'dpo', teacher: 2 }, method('dpo', 'alignment'), []).teacherGap).toBe(false);
  });

  it('picks preference or reward panels for alignment', () => {
    expect(runPanels({ method: 'dpo', teacher: null }, method('dpo', 'alignment'), ['align/margin']).alignment).toBe('preference');
    expect(runPanels({ method: 'grpo', teacher: null }, method('grpo', 'alignment'), []).alignment).toBe('rl');
    expect(runPanels({ method: 'kdrl', teacher: 3 }, method('kdrl', 'distillation'), []).alignment).toBe('rl');
    expect(runPanels({ method: 'other', teacher: null }, method('other', 'alignment'), ['rl/kl']).alignment).toBe('rl');
    expect(runPanels({ method: 'kd', teacher: 2 }, method('kd', 'distillation'), []).alignment).toBeNull();
  });

  it('shows the matrix for continual methods and calibration for runs with eval/ece', () => {
    expect(runPanels({ method: 'gere', teacher: null }, method('gere', 'continual'), []).continual).toBe(true);
    expect(runPanels({ method: 'x', teacher: null }, method('x', 'other', { tasks: true }), []).continual).toBe(true);
    expect(runPanels({ method: 'kd', teacher: 2 }, undefined, ['eval/ece']).calibration).toBe(true);
    expect(runPanels({ method: 'kd', teacher: 2 }, undefined, ['eval/loss'])).toEqual({ teacherGap: false, alignment: null, continual: false, calibration: false });
  });

  it('lists the metrics of each alignment kind', () => {
    expect(alignmentMetrics('preference').train).toContain('align/reward_chosen');
    expect(alignmentMetrics('rl').eval).toEqual(['eval/reward_mean', 'eval/correct_share']);
  });
});
