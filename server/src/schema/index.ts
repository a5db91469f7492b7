import { withDirectiveDefinitions } from '../access/directives.js';
import { builder } from './builder.js';
import './scalars.js';
// Each feature adds its types and fields to the builder.
import '../teams/schema.js';
import '../catalog/schema.js';
import '../keys/schema.js';
import '../connections/schema.js';
import '../runs/schema.js';
import '../triggers/schema.js';
import '../events/schema.js';
import '../audit/schema.js';

export const schema = withDirectiveDefinitions(builder.toSchema({ sortSchema: false }));
