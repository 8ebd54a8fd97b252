/** The mstf MCP server: tools and resources over the same core services and run store as the CLI. */
export { createContext, type McpContext } from './context.js';
export { createMcpServer, SERVER_NAME, type CreateServerOptions } from './server.js';
export { serveStdio, keepStdoutForProtocol } from './transports/stdio.js';
export { serveHttp, MCP_PATH, type HttpServerHandle } from './transports/http.js';
export { PathGuard } from './paths.js';
