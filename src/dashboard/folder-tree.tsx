import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, messageOf, param, v1, type FolderTreeView } from './api';
import { confirmDialog } from './confirm-dialog';
import { FolderForm } from './folder-form';
import { folderDropHandlers } from './image-drag';
import type { Selection } from './route';
import { treeMove } from './tree-keys';
import { useCanChange } from './me';

const totalImages = (node: FolderTreeView): number => node.imageCount + node.children.reduce((n, c) => n + totalImages(c), 0);

function find(nodes: FolderTreeView[], path: string): FolderTreeView | undefined {
  for (const node of nodes) {
    if (node.path === path) return node;
    const below = find(node.children, path);
    if (below) return below;
  }
  return undefined;
}

/** A tree item's key: which selection it stands for. */
const keyOf = (selection: Selection) => (selection === null ? 'all' : `/${selection}`);
const selectionOf = (key: string): Selection => (key === 'all' ? null : key.slice(1));

/** The keys of the items shown, in order: a closed folder hides what is below it. */
function shownKeys(nodes: FolderTreeView[], collapsed: Set<string>, into: string[] = ['all', '/']): string[] {
  for (const node of nodes) {
    into.push(keyOf(node.path));
    if (!collapsed.has(node.path)) shownKeys(node.children, collapsed, into);
  }
  return into;
}

interface ItemProps {
  name: string;
  value: Selection;
  count?: number;
  /** Undefined for an item with nothing below it. */
  expanded?: boolean;
  groupId?: string;
  selected: Selection;
  tabbable: string;
  onSelect: (s: Selection) => void;
  onToggle?: () => void;
  children?: ComponentChildren;
}

/**
 * The row is the treeitem and owns its group (aria-owns) rather than containing it, so that
 * its name ("blog, 3 images") does not run on into its sub-folders' names.
 */
function Item({ name, value, count, expanded, groupId, selected, tabbable, onSelect, onToggle, children }: ItemProps) {
  const key = keyOf(value);
  const isSelected = selected === value;
  return (
    <li role="none">
      <div
        role="treeitem"
        class={`folder ${isSelected ? 'active' : ''}`}
        title={value || undefined}
        aria-label={count === undefined ? undefined : `${name}, ${count} image${count === 1 ? '' : 's'}`}
        aria-selected={isSelected}
        aria-expanded={expanded}
        aria-owns={expanded ? groupId : undefined}
        tabIndex={tabbable === key ? 0 : -1}
        data-key={key}
        data-path={value ?? undefined}
        onClick={(e) => {
          e.currentTarget.focus();
          onSelect(value);
        }}
      >
        {expanded === undefined ? (
          <span class="toggle" aria-hidden="true" />
        ) : (
          // Pointer only: keyboards use Left/Right, screen readers hear aria-expanded.
          <span
            class="toggle"
            aria-hidden="true"
            onClick={(e) => {
              e.stopPropagation();
              (e.currentTarget.parentElement as HTMLElement).focus();
              onToggle?.();
            }}
          >
            ▸
          </span>
        )}
        <span class="name">{name}</span>
        {/* A space, so that the text shown ("blog 3") is word for word inside the name. */}
        {count !== undefined && ' '}
        {count !== undefined && <span class="count">{count}</span>}
      </div>
      {expanded && children && (
        <ul role="group" id={groupId}>
          {children}
        </ul>
      )}
    </li>
  );
}

function Branch(props: { nodes: FolderTreeView[]; collapsed: Set<string>; selected: Selection; tabbable: string; onSelect: (s: Selection) => void; onToggle: (path: string) => void }) {
  const { nodes, collapsed, onToggle } = props;
  return (
    <>
      {nodes.map((node) => {
        const count = node.totalImageCount;
        const open = node.children.length > 0 ? !collapsed.has(node.path) : undefined;
        return (
          <Item key={node.id} {...props} name={node.name} value={node.path} count={count} expanded={open} groupId={`folder-group-${node.id}`} onToggle={() => onToggle(node.path)}>
            <Branch {...props} nodes={node.children} />
          </Item>
        );
      })}
    </>
  );
}

export function FolderTree(props: {
  tree: FolderTreeView[];
  selected: Selection;
  onSelect: (s: Selection) => void;
  onChanged: () => void;
  /** Image tiles dropped on a folder (or the root): move them there. */
  onDropImages?: (folder: string, ids: string[]) => void;
}) {
  const canChange = useCanChange();
  // A viewer moves nothing: no drop target, no folder actions.
  const { tree, selected, onSelect, onChanged } = props;
  const onDropImages = canChange ? props.onDropImages : undefined;
  const drops = folderDropHandlers({
    // "All images" is not a place: only the root and the folders are.
    placeOf: (target) => {
      const item = (target as Element | null)?.closest?.<HTMLElement>('[role="treeitem"]');
      return onDropImages && item && item.dataset.key !== 'all' ? item : null;
    },
    folderOf: (item) => selectionOf(item.dataset.key!) ?? '',
    dropped: (folder, ids) => onDropImages?.(folder, ids),
  });
  const [mode, setMode] = useState<'none' | 'create' | 'rename'>('none');
  const [error, setError] = useState('');
  const opener = useRef<HTMLElement | null>(null);
  const current = selected ? find(tree, selected) : undefined;
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [focused, setFocused] = useState('all');

  // A folder chosen from elsewhere (the address, a new folder) is shown: its parents open.
  useEffect(() => {
    if (!selected) return;
    setCollapsed((was) => {
      const next = new Set([...was].filter((path) => !selected.startsWith(`${path}/`)));
      return next.size === was.size ? was : next;
    });
  }, [selected]);

  const toggle = (path: string, open = collapsed.has(path)) =>
    setCollapsed((was) => {
      const next = new Set(was);
      if (open) next.delete(path);
      else next.add(path);
      return next;
    });

  // One tab stop: the item last focused if still shown, else the selected one.
  const shown = shownKeys(tree, collapsed);
  const tabbable = shown.includes(focused) ? focused : shown.includes(keyOf(selected)) ? keyOf(selected) : 'all';

  const onTreeKey = (event: KeyboardEvent) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    if (!item) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(selectionOf(item.dataset.key!));
      return;
    }
    const move = treeMove(event.currentTarget as HTMLElement, item, event.key);
    if (!move) return;
    event.preventDefault();
    if ('focus' in move) move.focus.focus();
    else if ('expand' in move) toggle(move.expand, true);
    else toggle(move.collapse, false);
  };

  const open = (next: 'create' | 'rename', event: Event) => {
    opener.current = event.currentTarget as HTMLElement;
    setError('');
    setMode(next);
  };
  const close = () => {
    setMode('none');
    // After the form is gone, so that focus does not land on a control about to be removed.
    requestAnimationFrame(() => opener.current?.isConnected && opener.current.focus());
  };

  const create = async (name: string) => {
    const path = selected ? `${selected}/${name}` : name;
    await call(v1.folders.post({ path }));
    onSelect(path);
    close();
    onChanged();
  };
  const rename = async (name: string) => {
    if (!current) return;
    const renamed = await call(v1.folders(param(current.id)).patch({ name }));
    onSelect(renamed.path);
    close();
    onChanged();
  };

  const remove = async () => {
    if (!current) return;
    setMode('none');
    setError('');
    const count = totalImages(current);
    const images = count === 0 ? '' : ` Its ${count} image${count === 1 ? '' : 's'} go${count === 1 ? 'es' : ''} to the trash, where ${count === 1 ? 'it' : 'they'} can be restored.`;
    const message = `Delete folder "${current.path}" with its sub-folders?${images}`;
    if (!(await confirmDialog({ title: 'Delete folder?', message, confirmLabel: 'Delete folder', danger: true }))) return;
    try {
      await call(v1.folders(param(current.id)).delete());
      onSelect(null);
      onChanged();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <nav class="folder-tree" data-testid="folder-tree" aria-label="Folders">
      <ul
        role="tree"
        aria-label="Folders"
        onKeyDown={onTreeKey}
        {...drops}
        onFocusIn={(e) => {
          const key = (e.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]')?.dataset.key;
          if (key) setFocused(key);
        }}
      >
        <Item name="All images" value={null} selected={selected} tabbable={tabbable} onSelect={onSelect} />
        <Item name="/ (root)" value="" selected={selected} tabbable={tabbable} onSelect={onSelect} />
        <Branch nodes={tree} collapsed={collapsed} selected={selected} tabbable={tabbable} onSelect={onSelect} onToggle={(path) => toggle(path)} />
      </ul>
      {canChange && (
      <div class="folder-actions">
        <button data-testid="folder-create" aria-expanded={mode === 'create'} onClick={(e) => open('create', e)}>
          New folder{selected ? ' here' : ''}
        </button>
        {current && (
          <>
            <button aria-expanded={mode === 'rename'} onClick={(e) => open('rename', e)}>
              Rename
            </button>
            <button class="danger" onClick={remove}>
              Delete
            </button>
          </>
        )}
      </div>
      )}
      {mode === 'create' && <FolderForm key="create" label="New folder" submitLabel="Create" initial="" onSubmit={create} onClose={close} />}
      {mode === 'rename' && current && (
        <FolderForm key={`rename-${current.id}`} label={`Rename ${current.name}`} submitLabel="Rename" initial={current.name} onSubmit={rename} onClose={close} />
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </nav>
  );
}
