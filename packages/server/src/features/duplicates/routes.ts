import { idSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { likelyDuplicates } from './service.js';

const personParams = z.strictObject({ id: idSchema });

const likelyDuplicateSchema = z
  .object({
    personId: z.uuid(),
    score: z.number().min(0).max(1).describe('How likely the two records are one person'),
    reasons: z.array(z.string()).describe('Which names matched how, which dates, sex and nationality'),
  })
  .meta({ id: 'LikelyDuplicate' });

export const duplicateRoutes: Feature = (app, platform) => {
  app.get(
    '/api/persons/:id/duplicates',
    {
      config: { access: { permission: 'person:read', personalData: true } },
      schema: {
        tags: ['persons'],
        summary: 'Likely duplicates of a person among those I may see, best first, with the reasons',
        params: personParams,
        response: { 200: z.object({ items: z.array(likelyDuplicateSchema) }) },
      },
    },
    async (request) => ({ items: await likelyDuplicates(platform, request.ctx, request.params.id) }),
  );
};
