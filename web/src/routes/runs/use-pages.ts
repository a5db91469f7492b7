import { useState } from 'react';
import { useClient, useQuery, type AnyVariables, type CombinedError, type TypedDocumentNode } from 'urql';

export interface Page<Item> {
  items: Item[];
  endCursor: string | null;
  hasMore: boolean;
}

interface Loaded<Item> extends Page<Item> {
  key: string;
}

/**
 * A newest-first list read page by page: the first page is a normal query (cached, refetched on
 * return), and "Load more" appends the pages after it. Changing the variables starts over.
 */
export function usePages<Data, Variables extends AnyVariables & { after?: string | null }, Item extends { id: string }>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  select: (data: Data) => Page<Item> | null | undefined,
) {
  const key = JSON.stringify(variables);
  const client = useClient();
  const [result, refetch] = useQuery({ query, variables, requestPolicy: 'cache-and-network' });
  const [loaded, setLoaded] = useState<Loaded<Item> | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<CombinedError | null>(null);

  const first = result.data === undefined ? undefined : (select(result.data) ?? null);
  const more = loaded?.key === key ? loaded : null;

  const seen = new Set<string>();
  const items: Item[] = [];
  for (const item of [...(first?.items ?? []), ...(more?.items ?? [])]) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    items.push(item);
  }

  const loadMore = async () => {
    const after = more ? more.endCursor : first?.endCursor;
    if (!after || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    const next = await client.query(query, { ...variables, after }, { requestPolicy: 'network-only' }).toPromise();
    setLoadingMore(false);
    if (next.error) return setMoreError(next.error);
    const page = next.data === undefined ? null : select(next.data);
    if (!page) return;
    setLoaded((previous) => ({
      key,
      items: [...(previous?.key === key ? previous.items : []), ...page.items],
      endCursor: page.endCursor,
      hasMore: page.hasMore,
    }));
  };

  return {
    /** undefined until the first page arrives; null when the list's owner (the team) was not found. */
    first,
    items,
    hasMore: more ? more.hasMore : (first?.hasMore ?? false),
    fetching: result.fetching,
    error: result.error,
    loadingMore,
    moreError,
    loadMore,
    refresh: () => {
      setLoaded(null);
      setMoreError(null);
      refetch({ requestPolicy: 'network-only' });
    },
  };
}
