import { useDocumentTitle } from '@mantine/hooks';
import { EmptyPage } from './empty-page';

export function NotFound() {
  useDocumentTitle('Not found · Latchkey');
  return <EmptyPage title="Page not found" description="This address does not lead anywhere in Latchkey." home="Go to the console" />;
}
