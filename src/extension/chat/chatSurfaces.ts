// The webviews that show the chat: the side bar view and the editor panel ("Open Chat in Editor").
// They render only what they are sent, and each is sent the host's messages only after it said
// `ready` (house style 2), so a page still loading never misses the state that follows.
import type * as vscode from "vscode";
import type { HostToWebviewMessage } from "../../common/webviewProtocol";

export interface ChatSurface {
  webview: vscode.Webview;
  ready: boolean;
}

export class ChatSurfaces {
  private readonly surfaces = new Set<ChatSurface>();

  add(webview: vscode.Webview): ChatSurface {
    const surface: ChatSurface = { webview, ready: false };
    this.surfaces.add(surface);
    return surface;
  }

  remove(surface: ChatSurface): void {
    this.surfaces.delete(surface);
  }

  /** Posts `message` to every ready surface, or to `only`. */
  post(message: HostToWebviewMessage, only?: ChatSurface): void {
    for (const surface of only ? [only] : this.surfaces) {
      if (surface.ready) void surface.webview.postMessage(message);
    }
  }
}
