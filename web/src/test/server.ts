import { setupServer } from 'msw/node';

/** The shared MSW server; tests register handlers with server.use(...). */
export const server = setupServer();
