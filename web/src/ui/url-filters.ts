import { useSearchParams } from 'react-router';

/**
 * A page's filters kept in the address (so a reload or a shared link shows the same view):
 * `setFilter(name, value)` sets one, `null` or `''` removes it, `clearFilters()` removes them all;
 * the history entry is replaced, not added.
 */
export function useUrlFilters(): { params: URLSearchParams; setFilter: (name: string, value: string | null) => void; clearFilters: () => void } {
  const [params, setParams] = useSearchParams();
  const setFilter = (name: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  const clearFilters = () => setParams(new URLSearchParams(), { replace: true });
  return { params, setFilter, clearFilters };
}
