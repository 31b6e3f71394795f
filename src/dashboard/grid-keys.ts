/** Tiles across, as laid out now: those on the first tile's row (the grid's column count follows the width). */
export function columnsOf(tiles: readonly HTMLElement[]): number {
  const top = tiles[0]?.offsetTop;
  const across = tiles.findIndex((tile) => tile.offsetTop !== top);
  return across === -1 ? tiles.length : across;
}

/** Where an arrow, Home or End key goes from tile `index` of `count`, `columns` across; null for other keys. */
export function gridMove(key: string, index: number, count: number, columns: number): number | null {
  const to = (() => {
    switch (key) {
      case 'ArrowLeft':
        return index - 1;
      case 'ArrowRight':
        return index + 1;
      case 'ArrowUp':
        return index - columns;
      case 'ArrowDown':
        // From a full row onto a shorter last one: the last tile, not nowhere.
        return index + columns < count ? index + columns : Math.floor(index / columns) < Math.floor((count - 1) / columns) ? count - 1 : index;
      case 'Home':
        return 0;
      case 'End':
        return count - 1;
      default:
        return null;
    }
  })();
  return to === null ? null : Math.max(0, Math.min(count - 1, to));
}

/**
 * Keys on the image grid: arrows move the focus from tile to tile (Up and Down by a row), Home
 * and End to the first and last; Delete (or Backspace) asks to delete the focused tile's image,
 * or the selection when that tile is part of it.
 */
export function gridKeyHandler(onDelete: (id: string, index: number) => void) {
  return (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const tile = (event.target as HTMLElement).closest<HTMLElement>('[data-testid="image-tile"]');
    if (!tile) return;
    const tiles = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[data-testid="image-tile"]')];
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      onDelete(tile.dataset.id!, tiles.indexOf(tile));
      return;
    }
    const to = gridMove(event.key, tiles.indexOf(tile), tiles.length, columnsOf(tiles));
    if (to === null) return;
    event.preventDefault();
    tiles[to]!.querySelector<HTMLElement>('.tile-open')?.focus();
  };
}

/** Focuses the tile at `index` of the grid, or the last one when fewer are left (none: nothing). */
export function focusTileAt(index: number): void {
  const tiles = document.querySelectorAll<HTMLElement>('[data-testid="image-tile"] .tile-open');
  tiles[Math.min(index, tiles.length - 1)]?.focus();
}
