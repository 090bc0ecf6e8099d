import WebSocket from 'ws';

/**
 * Opens a WebSocket to a channel's `connectUri` and resolves once it is open; rejects (and drops the socket) when it
 * is refused, errs or closes first. Frames are handed to `onMessage` from the first one, so none is lost between the
 * open and the caller taking the socket over.
 */
export function openChannelSocket(
  connectUri: string,
  onMessage: (socket: WebSocket, data: WebSocket.RawData) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(connectUri);
    const fail = (why: string): void => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      reject(new Error(why));
    };
    socket.once('open', () => {
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      socket.removeAllListeners('unexpected-response');
      resolve(socket);
    });
    socket.on('message', (data: WebSocket.RawData) => onMessage(socket, data));
    socket.once('unexpected-response', (_request, response) =>
      fail(`the new channel refused the socket (HTTP ${response.statusCode})`),
    );
    socket.once('error', (error: Error) => fail(error.message));
    socket.once('close', () => fail('the new channel socket closed before it opened'));
  });
}
