import type { Command } from 'commander';
import { backendAction } from '../actions';
import { notFound } from '../../src/core/errors';
import type { Backend, FolderTreeView } from '../backend/types';
import { print } from '../options';
import { findFolder } from '../remote-index';

function flatten(nodes: FolderTreeView[]): FolderTreeView[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)]);
}

async function folderAt(backend: Backend, path: string): Promise<FolderTreeView> {
  const folder = findFolder(await backend.folderTree(), path);
  if (!folder) throw notFound(`Folder "${path}"`);
  return folder;
}

export function registerFolder(program: Command): void {
  const folder = program.command('folder').description('nested folders');

  folder
    .command('list')
    .description('list every folder with its image count')
    .addHelpText('after', '\nExample:\n  imgapi folder list --json')
    .action(
      backendAction(async (backend, options) => {
        const tree = await backend.folderTree();
        print(options, tree, flatten(tree).map((f) => `${f.path}\t${f.imageCount}`).join('\n'));
      }),
    );

  folder
    .command('create <path>')
    .description('create a folder and every missing parent')
    .addHelpText('after', '\nExample:\n  imgapi folder create clients/acme/logos')
    .action(
      backendAction(async (backend, options, path: string) => {
        const created = await backend.createFolder(path);
        print(options, created, created.path);
      }),
    );

  folder
    .command('rename <path> <newName>')
    .description('rename the last segment of a folder; everything below follows')
    .addHelpText('after', '\nExample:\n  imgapi folder rename clients/acme clients-acme-old')
    .action(
      backendAction(async (backend, options, path: string, newName: string) => {
        const renamed = await backend.renameFolder((await folderAt(backend, path)).id, newName);
        print(options, renamed, renamed.path);
      }),
    );

  folder
    .command('delete <path>')
    .description('delete a folder with its sub-folders and images')
    .addHelpText('after', '\nExample:\n  imgapi folder delete clients/acme/old')
    .action(
      backendAction(async (backend, options, path: string) => {
        await backend.deleteFolder((await folderAt(backend, path)).id);
        print(options, { path, deleted: true }, `deleted folder ${path}`);
      }),
    );
}
