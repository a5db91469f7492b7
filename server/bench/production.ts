// Imported first by run.ts: graphql-js and other libraries read NODE_ENV when they load, and the
// server is deployed with NODE_ENV=production (Dockerfile), so that is what is measured.
process.env.NODE_ENV = 'production';
