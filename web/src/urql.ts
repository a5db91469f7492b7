import { createContext, createElement, useCallback, useContext, useState, type ReactNode } from 'react';
import { cacheExchange, fetchExchange, Provider, type Client, createClient } from 'urql';

/**
 * One GraphQL client for the console. The session cookie rides along (same origin); queries go as
 * JSON POSTs because the server refuses anything else from a browser.
 */
function createGraphQLClient(): Client {
  return createClient({
    url: '/graphql',
    preferGetMethod: false,
    fetchOptions: { credentials: 'same-origin' },
    // Live data (trigger events) will add a graphql-ws `subscriptionExchange` after fetchExchange.
    exchanges: [cacheExchange, fetchExchange],
  });
}

const ResetContext = createContext<() => void>(() => {});

/** Provides the client; `useResetGraphQL` swaps in a fresh one when the session changes. */
export function GraphQLProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState(createGraphQLClient);
  const reset = useCallback(() => setClient(createGraphQLClient()), []);
  return createElement(ResetContext.Provider, { value: reset }, createElement(Provider, { value: client }, children));
}

/** Call after signing in or up: drops every cached result of the signed-out visitor. (Signing out reloads the page.) */
export function useResetGraphQL(): () => void {
  return useContext(ResetContext);
}
