import { PageLoader } from '../../ui/states';

// Placeholder until the page lands.
export function Component() {
  return <PageLoader label="Components" />;
}
