import { withDirectiveDefinitions } from '../access/directives.js';
import { builder } from './builder.js';
import './scalars.js';
// Each feature adds its types and fields to the builder.
import '../teams/schema.js';

export const schema = withDirectiveDefinitions(builder.toSchema({ sortSchema: false }));
