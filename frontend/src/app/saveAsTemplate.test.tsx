// @vitest-environment happy-dom
// Screen test for "Save as template" under the new-run form, and its request body.

import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { templateBody } from '../components/SaveAsTemplate';
import { FakeServer } from '../test/fakeServer';
import { resetScreen, signedInServer } from '../test/screen';
import { App } from './App';

vi.mock('uplot', () => ({ default: class { setData() {} setSize() {} destroy() {} } }));

let server: FakeServer;

beforeEach(() => {
  server = signedInServer();
});

afterEach(resetScreen);

describe('templateBody', () => {
  it('keeps the run fields a template stores and drops the run-only ones', () => {
    const body = templateBody({
      workspace: 'demo', name: 'run name', method: 'lm_train', student: 3, teacher: null, train_dataset: 1,
      validation_dataset: null, config: { training: { max_steps: 5 } }, seed: 4, resources: { gpus: 0 },
      tags: ['x'], notes: 'n',
    }, '  nightly  ', ' our recipe ');
    expect(body).toEqual({
      workspace: 'demo', name: 'nightly', description: 'our recipe', method: 'lm_train', student: 3, teacher: null,
      train_dataset: 1, validation_dataset: null, config: { training: { max_steps: 5 } }, seed: 4,
    });
  });
});

describe('save as template', () => {
  it('saves the form as it stands and shows the server refusing a taken name next to the field', async () => {
    let calls = 0;
    server.route('POST /api/v1/templates/', (request) => {
      calls += 1;
      if (calls === 1) {
        return { status: 400, body: { detail: 'taken', errors: { name: ["The workspace already has a template called 'nightly': choose another name."] } } };
      }
      const body = request.body as Record<string, unknown>;
      return { status: 201, body: { id: 9, ...body, teacher: '', reference: '', student: 'student', train_dataset: 'train',
        validation_dataset: '', replay_dataset: '', register_model_as: '' } };
    });
    window.history.pushState({}, '', '/runs/new');
    render(<App />);
    fireEvent.click(await screen.findByLabelText('lm_train'));
    const trainDataset = (await screen.findByLabelText('Training dataset')) as HTMLSelectElement;
    await waitFor(() => expect(trainDataset.disabled).toBe(false));
    const form = screen.getByRole('form', { name: 'Save as template' });

    fireEvent.change(within(form).getByLabelText('Template name'), { target: { value: 'nightly' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save template' }));
    expect((await within(form).findByRole('alert')).textContent).toContain('Fill in the run form above first');

    fireEvent.change(screen.getByLabelText('Student model'), { target: { value: '3' } });
    fireEvent.change(trainDataset, { target: { value: '1' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save template' }));
    expect(await within(form).findByText(/already has a template called 'nightly'/)).toBeTruthy();

    fireEvent.change(within(form).getByLabelText('Template name'), { target: { value: 'nightly-2' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save template' }));
    expect((await within(form).findByRole('status')).textContent).toContain("Saved template 'nightly-2'");
    const sent = server.sent('POST', '/api/v1/templates/')[1]!;
    expect(sent.body).toMatchObject({ name: 'nightly-2', method: 'lm_train', student: 3, train_dataset: 1 });
    expect(sent.body).not.toHaveProperty('resources');
  });
});

describe('templates on the runs page', () => {
  it('deletes a template after confirming, and keeps it when the user says no', async () => {
    const template = { id: 4, workspace: 'demo', name: 'nightly', description: '', method: 'lm_train', config: {},
      student: 'student', teacher: '', reference: '', train_dataset: 'train', validation_dataset: '', replay_dataset: '',
      seed: 0, register_model_as: '' };
    let deleted = false;
    server
      .route('GET /api/v1/runs/', { count: 0, next: null, previous: null, results: [] })
      .route('GET /api/v1/templates/', () => ({ status: 200, body: deleted ? [] : [template] }))
      .route('DELETE /api/v1/templates/4/', () => { deleted = true; return { status: 204, body: null }; });
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true);
    vi.stubGlobal('confirm', confirm);
    window.history.pushState({}, '', '/runs');
    render(<App />);
    const button = await screen.findByRole('button', { name: 'Delete template nightly' });
    fireEvent.click(button);
    expect(server.sent('DELETE', '/api/v1/templates/4/')).toHaveLength(0);
    fireEvent.click(button);
    await waitFor(() => expect(screen.queryByTestId('templates-list')).toBeNull());
    expect(server.sent('DELETE', '/api/v1/templates/4/')).toHaveLength(1);
    expect(confirm).toHaveBeenCalledTimes(2);
  });
});
