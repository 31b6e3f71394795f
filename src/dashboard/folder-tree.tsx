import { useRef, useState } from 'preact/hooks';
import { call, messageOf, param, v1, type FolderTreeView } from './api';
import { FolderForm } from './folder-form';
import type { Selection } from './route';

const totalImages = (node: FolderTreeView): number => node.imageCount + node.children.reduce((n, c) => n + totalImages(c), 0);

function find(nodes: FolderTreeView[], path: string): FolderTreeView | undefined {
  for (const node of nodes) {
    if (node.path === path) return node;
    const below = find(node.children, path);
    if (below) return below;
  }
  return undefined;
}

function Branch({ nodes, selected, onSelect }: { nodes: FolderTreeView[]; selected: Selection; onSelect: (s: Selection) => void }) {
  return (
    <ul>
      {nodes.map((node) => (
        <li>
          <button class={`folder ${selected === node.path ? 'active' : ''}`} onClick={() => onSelect(node.path)} title={node.path}>
            <span class="name">{node.name}</span>
            <span class="count">{node.totalImageCount}</span>
          </button>
          {node.children.length > 0 && <Branch nodes={node.children} selected={selected} onSelect={onSelect} />}
        </li>
      ))}
    </ul>
  );
}

export function FolderTree(props: { tree: FolderTreeView[]; selected: Selection; onSelect: (s: Selection) => void; onChanged: () => void }) {
  const { tree, selected, onSelect, onChanged } = props;
  const [mode, setMode] = useState<'none' | 'create' | 'rename'>('none');
  const [error, setError] = useState('');
  const opener = useRef<HTMLElement | null>(null);
  const current = selected ? find(tree, selected) : undefined;

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
    if (!confirm(`Delete folder "${current.path}" with its sub-folders and ${count} image${count === 1 ? '' : 's'}? This cannot be undone.`)) return;
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
      <button class={`folder ${selected === null ? 'active' : ''}`} onClick={() => onSelect(null)}>
        <span class="name">All images</span>
      </button>
      <button class={`folder ${selected === '' ? 'active' : ''}`} onClick={() => onSelect('')}>
        <span class="name">/ (root)</span>
      </button>
      <Branch nodes={tree} selected={selected} onSelect={onSelect} />
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
