/**
 * A command to copy: a `<pre>` that wraps anywhere (`white-space: pre-wrap; overflow-wrap:
 * anywhere`), so the longest `curl` line stays inside its box at any width and in print, and
 * selecting it copies exactly the command (the label is outside the `<pre>`). No script.
 */
import { markup, type Html } from './escape.js';

export function commandBlock(command: string, options: { label?: string; role?: string } = {}): Html {
  return markup`<div class="cmd">${options.label ? markup`<span class="cmd-label">${options.label}</span>` : ''}<pre${options.role ? markup` data-role="${options.role}"` : ''}><code>${command}</code></pre></div>`;
}
