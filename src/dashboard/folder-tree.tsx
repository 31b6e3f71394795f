import { useState } from 'preact/hooks';
import { call, messageOf, param, v1, type FolderTreeView } from './api';
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
            <span class="count">{node.imageCount}</span>
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
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const current = selected ? find(tree, selected) : undefined;

  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      if (mode === 'create') {
        const path = selected ? `${selected}/${name}` : name;
        await call(v1.folders.post({ path }));
        onSelect(path);
      } else if (current) {
        const renamed = await call(v1.folders(param(current.id)).patch({ name }));
        onSelect(renamed.path);
      }
      setMode('none');
      setError('');
      onChanged();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const remove = async () => {
    if (!current) return;
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
        <button
          data-testid="folder-create"
          onClick={() => {
            setMode('create');
            setName('');
          }}
        >
          New folder{selected ? ' here' : ''}
        </button>
        {current && (
          <>
            <button
              onClick={() => {
                setMode('rename');
                setName(current.name);
              }}
            >
              Rename
            </button>
            <button class="danger" onClick={remove}>
              Delete
            </button>
          </>
        )}
      </div>
      {mode !== 'none' && (
        <form class="row" onSubmit={submit}>
          <input
            name="folder-name"
            placeholder={mode === 'create' ? 'Folder name' : 'New name'}
            aria-label="Folder name"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            autoFocus
            required
          />
          <button class="primary">{mode === 'create' ? 'Create' : 'Rename'}</button>
        </form>
      )}
      {error && <p class="error">{error}</p>}
    </nav>
  );
}
