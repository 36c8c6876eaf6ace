import { Link } from 'react-router';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="empty">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/runs">Go to the runs</Link>.
      </p>
    </div>
  );
}
