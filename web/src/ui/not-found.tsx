import { Button } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { Link } from 'react-router';
import { EmptyPage } from './empty-page';

export function NotFound() {
  useDocumentTitle('Not found · Latchkey');
  return (
    <EmptyPage
      title="Page not found"
      description="This address does not lead anywhere in Latchkey."
      actions={
        <Button component={Link} to="/">
          Go to the console
        </Button>
      }
    />
  );
}
