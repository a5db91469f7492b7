import { Alert, Button, Checkbox, Code, CopyButton, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';

const FIRST_QUERY = '{ components { key kind scope } }';

/**
 * Shows a key's secret the one time Latchkey returns it, with ready-to-run snippets. It cannot be
 * dismissed by accident: closing needs the "I have copied the key" confirmation. The secret lives
 * only in the caller's state, which `onClose` must clear.
 */
export function RevealKeyModal({ secret, keyName, regenerated = false, onClose }: { secret: string | null; keyName: string; regenerated?: boolean; onClose: () => void }) {
  const [confirmed, setConfirmed] = useState(false);
  const endpoint = `${window.location.origin}/graphql`;
  const curl = secret
    ? `curl -s ${endpoint} \\\n  -H 'content-type: application/json' \\\n  -H 'authorization: Bearer ${secret}' \\\n  -d '${JSON.stringify({ query: FIRST_QUERY })}'`
    : '';
  const fetchSnippet = secret
    ? `const response = await fetch('${endpoint}', {\n  method: 'POST',\n  headers: {\n    'content-type': 'application/json',\n    authorization: 'Bearer ${secret}',\n  },\n  body: JSON.stringify({ query: '${FIRST_QUERY}' }),\n});\nconsole.log(await response.json());`
    : '';

  const close = () => {
    setConfirmed(false);
    onClose();
  };

  return (
    <Modal
      opened={secret !== null}
      onClose={() => {}}
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      size="xl"
      title={regenerated ? `New secret for “${keyName}”` : `API key “${keyName}” created`}
    >
      {secret && (
        <Stack>
          <Alert color="yellow" variant="light" title="Copy the key now">
            This is the only time Latchkey shows it: only a hash is kept. If it is lost, regenerate the key.
          </Alert>
          <Stack gap={6}>
            <Text fw={500} size="sm" id="new-key-label">
              New API key
            </Text>
            <Group gap="sm" wrap="nowrap" align="center">
              <Code block aria-label="New API key" fz="md" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', flex: 1 }}>
                {secret}
              </Code>
              <CopyButton value={secret}>
                {({ copied, copy }) => (
                  <Button onClick={copy} color={copied ? 'teal' : undefined} variant={copied ? 'filled' : 'light'} w={96} data-autofocus>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Stack>

          <Stack gap={6}>
            <Title order={3} fz="sm">
              Try it with curl
            </Title>
            <Code block aria-label="curl example">
              {curl}
            </Code>
          </Stack>
          <Stack gap={6}>
            <Title order={3} fz="sm">
              Or with GraphQL over fetch
            </Title>
            <Text size="sm" c="dimmed">
              Send <Code>Authorization: Bearer &lt;key&gt;</Code> with every POST to <Code>{endpoint}</Code>. The query lists the components this key may use.
            </Text>
            <Code block aria-label="GraphQL example">
              {fetchSnippet}
            </Code>
          </Stack>

          <Checkbox label="I have copied the key" checked={confirmed} onChange={(event) => setConfirmed(event.currentTarget.checked)} />
          <Group justify="flex-end">
            <Button onClick={close} disabled={!confirmed}>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
