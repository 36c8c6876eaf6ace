// The run page's artifacts: download each, and register the final model or a checkpoint as a model.

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../../api/client';
import type { Artifact, Run } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { FormField } from '../../../components/FormField';
import { formatBytes } from '../../../lib/format';
import { placeFieldErrors } from '../../../lib/jsonInput';
import { useRegisterModelJson } from '../../models/api/mutations';
import { useModels } from '../../models/api/queries';
import { useArtifacts } from '../api/queries';

export function ArtifactsList({ run, active, writable }: { run: Run; active: boolean; writable: boolean }) {
  const artifacts = useArtifacts(run.id, active);
  const models = useModels(run.workspace);
  // The artifact whose registration form is open: the final model, or a checkpoint.
  const [registering, setRegistering] = useState<Artifact | null>(null);
  const registered = models.data?.filter((m) => m.produced_by_run === run.id) ?? [];
  if (artifacts.isPending) return <p role="status">Loading artifacts…</p>;
  if (artifacts.isError) return <ErrorAlert error={artifacts.error} title="Cannot load the artifacts" />;
  if (artifacts.data.length === 0) {
    return <p className="muted">{active ? 'Checkpoints and the final model will appear here.' : 'This run saved no artifacts.'}</p>;
  }
  // The server registers a run's final model (its latest `model` artifact) once it succeeded, and
  // any checkpoint of a run, finished or not (as a copy of its own).
  const canRegister = (artifact: Artifact) =>
    writable && artifact.id != null &&
    ((artifactKind(artifact) === 'model' && run.status === 'succeeded') || artifactKind(artifact) === 'checkpoint');
  return (
    <>
      {registered.length > 0 && (
        <p data-testid="run-registered-models">
          Registered as{' '}
          {registered.map((m, i) => (
            <span key={m.id}>{i > 0 && ', '}<Link to={`/models/${m.id}`}>{m.name}</Link></span>
          ))}
          .
        </p>
      )}
      <div className="table-wrap">
        <table className="table" data-testid="artifacts-table">
          <caption className="visually-hidden">Artifacts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col" className="numeric">Step</th>
              <th scope="col" className="numeric">Size</th>
              <th scope="col">Path</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {artifacts.data.map((artifact, index) => (
              <tr key={artifact.id ?? `${artifact.path}-${index}`}>
                <th scope="row">{artifact.name || basename(artifact.path)}</th>
                <td>{artifactKind(artifact)}</td>
                <td className="numeric">{artifact.step ?? '—'}</td>
                <td className="numeric">{formatBytes(artifact.size_bytes)}</td>
                <td><code className="path">{artifact.path}</code></td>
                <td className="actions">
                  {artifact.id != null && (
                    // A directory (checkpoint, final model) comes as a .tar; fetched from the artifact
                    // store by the server when another host wrote it.
                    <a href={`/api/v1/runs/${run.id}/artifacts/${artifact.id}/download/`} download
                      aria-label={`Download ${artifact.name || basename(artifact.path)}`}>
                      Download
                    </a>
                  )}
                  {canRegister(artifact) && (
                    <button type="button" onClick={() => setRegistering(artifact)} aria-expanded={registering === artifact}
                      aria-controls="register-run-model"
                      aria-label={artifactKind(artifact) === 'model' ? 'Register as model'
                        : `Register ${artifact.name || basename(artifact.path)} as a model`}>
                      Register as model
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {registering && (
        <RegisterRunModel key={registering.id} run={run} artifact={registering} onClose={() => setRegistering(null)} />
      )}
    </>
  );
}

/** Asks for a name and registers the run's final model, or one of its checkpoints (POST /models/
 * with source "run", and the checkpoint's id as `artifact`). */
function RegisterRunModel({ run, artifact, onClose }: { run: Run; artifact: Artifact; onClose: () => void }) {
  const checkpoint = artifactKind(artifact) === 'checkpoint' ? artifact.id : undefined;
  const base = run.name || `run-${run.id}`;
  const [name, setName] = useState(
    checkpoint != null ? `${base}-step-${artifact.step ?? artifact.id}` : run.register_model_as || `${base}-model`);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  const register = useRegisterModelJson(run.workspace);
  const placed = placeFieldErrors(register.error instanceof ApiError ? register.error.errors : undefined, ['name'], register.isError);
  const nameErrors = placed.forField('name');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) {
      register.mutate({
        workspace: run.workspace, name: name.trim(), source: 'run', run: run.id,
        ...(checkpoint != null ? { artifact: checkpoint } : {}),
      });
    }
  };
  if (register.isSuccess) {
    return (
      <div id="register-run-model" className="alert alert-success inline-panel" role="status">
        Registered <Link to={`/models/${register.data.id}`}>{register.data.name}</Link> (model #{register.data.id}).{' '}
        <button type="button" className="button-quiet" onClick={onClose}>Close</button>
      </div>
    );
  }
  return (
    <form id="register-run-model" className="inline-panel" onSubmit={onSubmit} aria-label="Register the run's model">
      <p className="hint">
        Registers {checkpoint != null ? `checkpoint ${artifact.name || basename(artifact.path)} (a copy of its weights)` : "this run's final model"}{' '}
        in {run.workspace}, so that new runs can use it as a student or teacher.
      </p>
      {placed.hasUnplaced && <ErrorAlert error={register.error} title="The model was not registered" />}
      <div className="inline-form with-labels">
        <FormField id="register-model-name" label="Model name" errors={nameErrors}>
          {(control) => (
            <input {...control} ref={input} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required
              autoComplete="off" />
          )}
        </FormField>
        <button type="submit" className="button-primary" disabled={register.isPending || !name.trim()}>
          {register.isPending ? 'Registering…' : 'Register'}
        </button>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </form>
  );
}

function artifactKind(artifact: Artifact): string {
  return artifact.kind || '—';
}

function basename(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

