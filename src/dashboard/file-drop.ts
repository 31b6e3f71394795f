import { useEffect, useRef, useState } from 'preact/hooks';

const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

/**
 * While the component using it is shown, the whole window takes dropped files: a file let go
 * anywhere, not only over some drop box, goes to `onFiles`. Returns whether files are being
 * dragged over the window, to show where they will go.
 */
export function useWindowFileDrop(onFiles: (files: File[]) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const latest = useRef(onFiles);
  latest.current = onFiles;

  useEffect(() => {
    // Every element entered and left fires its own pair of events; the window is left when they even out.
    let depth = 0;
    const handlers: Record<string, (event: DragEvent) => void> = {
      dragenter: () => {
        depth++;
        setDragging(true);
      },
      dragover: (event) => {
        event.preventDefault();
        event.dataTransfer!.dropEffect = 'copy';
      },
      dragleave: () => {
        depth = Math.max(0, depth - 1);
        if (depth === 0) setDragging(false);
      },
      drop: (event) => {
        event.preventDefault();
        depth = 0;
        setDragging(false);
        latest.current([...event.dataTransfer!.files]);
      },
    };
    const listeners = Object.entries(handlers).map(([type, handle]) => {
      const listener = (event: Event) => carriesFiles(event as DragEvent) && handle(event as DragEvent);
      // On the document, so it runs before refuseStrayFileDrops' listener on the window.
      document.addEventListener(type, listener);
      return () => document.removeEventListener(type, listener);
    });
    return () => listeners.forEach((remove) => remove());
  }, []);

  return dragging;
}

/**
 * A file dropped where nothing takes it would make the browser open it, leaving the dashboard:
 * such drops are refused instead (the cursor says so while dragging).
 */
export function refuseStrayFileDrops(): void {
  for (const type of ['dragover', 'drop']) {
    addEventListener(type, (event) => {
      const drag = event as DragEvent;
      if (!carriesFiles(drag) || drag.defaultPrevented) return;
      drag.preventDefault();
      drag.dataTransfer!.dropEffect = 'none';
    });
  }
}
