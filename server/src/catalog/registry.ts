import { email } from '../apps/email/index.js';
import { httpApp } from '../apps/http/index.js';
import { linear } from '../apps/linear/index.js';
import { notion } from '../apps/notion/index.js';
import { records } from '../apps/records/index.js';
import { schedule } from '../apps/schedule/index.js';
import type { AppDefinition, Component } from './define.js';

/** Every app Latchkey knows. Adding an app is adding its folder under apps/ and one line here. */
export const APPS: AppDefinition[] = [records, linear, notion, httpApp, email, schedule];

const appsByKey = new Map(APPS.map((app) => [app.key, app]));
const componentsByKey = new Map<string, Component>(
  APPS.flatMap((app) =>
    app.components.map((definition): [string, Component] => {
      const key = `${app.key}.${definition.name}`;
      return [key, { ...definition, key, app, requiredPermissions: definition.requiredPermissions ?? [] }];
    }),
  ),
);

export const catalog = {
  apps: (): AppDefinition[] => APPS,
  app: (key: string): AppDefinition | undefined => appsByKey.get(key),
  component: (key: string): Component | undefined => componentsByKey.get(key),
  components: (): Component[] => [...componentsByKey.values()],
  componentsOf: (appKey: string): Component[] => [...componentsByKey.values()].filter((component) => component.app.key === appKey),
};
