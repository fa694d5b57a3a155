// True once the element has come near the viewport: pages with many charts render (and fetch) each
// chart only when it is scrolled to. Without IntersectionObserver everything counts as visible.
import { useEffect, useRef, useState } from 'react';

export function useInView<T extends Element>(enabled: boolean, rootMargin = '200px') {
  const ref = useRef<T>(null);
  const [seen, setSeen] = useState(!enabled || typeof IntersectionObserver === 'undefined');

  useEffect(() => {
    if (seen) return undefined;
    const element = ref.current;
    if (!element) return undefined;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setSeen(true);
          observer.disconnect();
        }
      },
      { rootMargin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [seen, rootMargin]);

  return { ref, inView: seen };
}
