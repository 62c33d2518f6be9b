import type * as vscode from 'vscode';

/**
 * Owns disposables that share one lifetime. Subclasses register what they create with `_register`, and
 * disposing the owner disposes them in reverse order.
 */
export class DisposableStore implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];
  private disposed = false;

  /** Adds a disposable to this lifetime and returns it, for `const x = this._register(...)`. */
  _register<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
      throw new Error('Registered a disposable on a store that is already disposed.');
    }
    this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items.splice(0).reverse()) item.dispose();
  }
}
