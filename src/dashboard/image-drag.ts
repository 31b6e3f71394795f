// Tiles dragged onto a folder of the tree: the ids travel as their own type, so the window's
// file drop (uploads) and other pages' drops ignore them.
const TYPE = 'application/x-imgapi-images';

export function startImageDrag(event: DragEvent, ids: readonly string[]): void {
  if (!event.dataTransfer) return;
  event.dataTransfer.setData(TYPE, JSON.stringify(ids));
  event.dataTransfer.setData('text/plain', `${ids.length} image${ids.length === 1 ? '' : 's'}`);
  event.dataTransfer.effectAllowed = 'move';
}

const carriesImages = (event: DragEvent) => event.dataTransfer?.types.includes(TYPE) ?? false;

function draggedIds(event: DragEvent): string[] {
  try {
    const ids: unknown = JSON.parse(event.dataTransfer?.getData(TYPE) || '[]');
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Marks the element a drop would land on, one at a time. */
function highlight(container: HTMLElement, target: HTMLElement | null): void {
  for (const marked of container.querySelectorAll('.drop-target')) if (marked !== target) marked.classList.remove('drop-target');
  target?.classList.add('drop-target');
}

/**
 * A folder tree's drop handlers: `placeOf` finds the element under the pointer that stands for a
 * folder (null: not a place to move to), `folderOf` its path; `dropped` gets the ids.
 */
export function folderDropHandlers(options: { placeOf: (target: EventTarget | null) => HTMLElement | null; folderOf: (place: HTMLElement) => string; dropped: (folder: string, ids: string[]) => void }) {
  const { placeOf, folderOf, dropped } = options;
  return {
    onDragOver(event: DragEvent) {
      if (!carriesImages(event)) return;
      const place = placeOf(event.target);
      highlight(event.currentTarget as HTMLElement, place);
      if (!place) return;
      event.preventDefault();
      event.dataTransfer!.dropEffect = 'move';
    },
    onDragLeave(event: DragEvent) {
      if (carriesImages(event) && !(event.currentTarget as Node).contains(event.relatedTarget as Node | null)) highlight(event.currentTarget as HTMLElement, null);
    },
    onDrop(event: DragEvent) {
      if (!carriesImages(event)) return;
      const place = placeOf(event.target);
      highlight(event.currentTarget as HTMLElement, null);
      if (!place) return;
      event.preventDefault();
      const ids = draggedIds(event);
      if (ids.length > 0) dropped(folderOf(place), ids);
    },
  };
}
