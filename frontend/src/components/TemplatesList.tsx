// The workspace's saved run recipes, each with a Launch button. A template names its models and
// datasets; the server resolves them at launch and answers 400 when one does not exist yet (e.g.
// a teacher another template produces), which is shown next to the template.

import { useNavigate } from 'react-router';
import { useDeleteTemplate, useLaunchTemplate } from '../features/templates/api/mutations';
import { useTemplates } from '../features/templates/api/queries';
import type { RunTemplate, Workspace } from '../api/types';
import { canWrite } from '../lib/workspace';
import { ErrorAlert } from './ErrorAlert';

export function TemplatesList({ workspace }: { workspace: Workspace }) {
  const templates = useTemplates(workspace.slug);
  if (templates.isError) return <ErrorAlert error={templates.error} title="Cannot load the run templates" />;
  // A workspace without templates shows nothing: the runs are what the page is for.
  if (!templates.data || templates.data.length === 0) return null;
  return (
    <details className="templates" open>
      <summary>
        <h2 className="templates-title">Run templates ({templates.data.length})</h2>
      </summary>
      <ul className="templates-list" data-testid="templates-list">
        {templates.data.map((template) => (
          <TemplateCard key={template.id} template={template} writable={canWrite(workspace)} />
        ))}
      </ul>
    </details>
  );
}

function TemplateCard({ template, writable }: { template: RunTemplate; writable: boolean }) {
  const navigate = useNavigate();
  const launch = useLaunchTemplate(template.id, (run) => void navigate(`/runs/${run.id}`));
  const remove = useDeleteTemplate(template);
  const onDelete = () => {
    if (window.confirm(`Delete the template '${template.name}'? Runs launched from it stay.`)) remove.mutate();
  };
  const errorId = `template-${template.id}-error`;
  return (
    <li className="template" data-testid="template" data-template-id={template.id}>
      <div className="template-head">
        <h3 className="template-name">{template.name}</h3>
        <code>{template.method}</code>
      </div>
      {template.description && <p className="template-description">{template.description}</p>}
      <dl className="template-inputs">
        <dt>Student</dt><dd>{template.student}</dd>
        {template.teacher && <><dt>Teacher</dt><dd>{template.teacher}</dd></>}
        <dt>Data</dt><dd>{template.train_dataset}{template.validation_dataset && ` / ${template.validation_dataset}`}</dd>
        {template.register_model_as && <><dt>Registers</dt><dd>{template.register_model_as}</dd></>}
      </dl>
      {launch.isError && (
        <div id={errorId}>
          <ErrorAlert error={launch.error} title="Not launched" />
        </div>
      )}
      <button type="button" className="button-primary" onClick={() => launch.mutate()} disabled={!writable || launch.isPending}
        aria-label={`Launch ${template.name}`} aria-describedby={launch.isError ? errorId : undefined}
        title={writable ? undefined : 'Viewers cannot launch runs'}>
        {launch.isPending ? 'Launching…' : 'Launch'}
      </button>
      {writable && (
        <button type="button" onClick={onDelete} disabled={remove.isPending}
          aria-label={`Delete template ${template.name}`}>
          {remove.isPending ? 'Deleting…' : 'Delete'}
        </button>
      )}
      {remove.isError && <ErrorAlert error={remove.error} title="Not deleted" />}
    </li>
  );
}
