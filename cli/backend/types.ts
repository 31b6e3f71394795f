import type { FolderTreeView, FolderView, ImageView, KeyView, PresetView } from '../../src/http/present';

export type { FolderTreeView, FolderView, ImageView, KeyView, PresetView };

export interface ImagePage {
  items: ImageView[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ListImagesQuery {
  folder?: string;
  recursive?: boolean;
  q?: string;
  page?: number;
  pageSize?: number;
}

/**
 * What the CLI does to one client's media. Local mode calls the core services directly;
 * remote mode is a typed HTTP client of /api/v1. Commands see only this.
 */
export interface Backend {
  readonly mode: 'local' | 'remote';
  uploadImage(input: { data: Uint8Array; fileName: string; folder: string }): Promise<ImageView>;
  replaceImage(id: string, data: Uint8Array): Promise<ImageView>;
  listImages(query: ListImagesQuery): Promise<ImagePage>;
  getImage(id: string): Promise<ImageView>;
  deleteImage(id: string): Promise<void>;
  folderTree(): Promise<FolderTreeView[]>;
  createFolder(path: string): Promise<FolderView>;
  renameFolder(id: string, name: string): Promise<FolderView>;
  deleteFolder(id: string): Promise<void>;
  sign(input: { imageId: string; transform?: string; preset?: string }): Promise<{ url: string; canonical: string; format: string }>;
  listPresets(): Promise<PresetView[]>;
  createPreset(name: string, params: string): Promise<PresetView>;
  deletePreset(id: string): Promise<void>;
  listKeys(): Promise<KeyView[]>;
  createKey(name: string): Promise<KeyView & { apiKey: string }>;
  revokeKey(id: string): Promise<void>;
  close(): Promise<void>;
}
