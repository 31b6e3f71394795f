import { render } from 'preact';
import { App } from './app';
import { refuseStrayFileDrops } from './file-drop';

refuseStrayFileDrops();
render(<App />, document.getElementById('app')!);
