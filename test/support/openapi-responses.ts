/**
 * Checks a live server's answers against an OpenAPI 3.1 document with ajv (JSON Schema 2020-12),
 * independent of the zod schemas the document was generated from: each answer's status must be
 * documented for its operation and its JSON body must match the documented schema. It also keeps
 * which operations were seen, so a test can say every route was exercised.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface Operation {
  readonly responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

type Document = { paths: Record<string, Record<string, Operation>> };

export interface AnswerCheck {
  readonly method: string;
  /** The request path, e.g. /positions/AAPL?x=1 (matched to the document's templates). */
  readonly path: string;
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

export class OpenApiResponses {
  readonly #document: Document;
  readonly #ajv: Ajv2020;
  readonly #templates: readonly { template: string; pattern: RegExp }[];
  readonly seen = new Set<string>();

  constructor(document: unknown) {
    this.#document = document as Document;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(this.#ajv);
    this.#ajv.addSchema(document as object, 'api');
    this.#templates = Object.keys(this.#document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
    }));
  }

  /** Every `METHOD /template` the document has. */
  operations(): string[] {
    return Object.entries(this.#document.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${template}`),
    );
  }

  /** The problems with one answer; empty when it matches the document. */
  check(answer: AnswerCheck): string[] {
    const pathOnly = answer.path.split('?')[0]!;
    const template = this.#templates.find(({ pattern }) => pattern.test(pathOnly))?.template;
    if (template === undefined) return [`${answer.method} ${pathOnly}: no such path in the document`];
    const method = answer.method.toLowerCase();
    const operation = this.#document.paths[template]![method];
    const name = `${answer.method} ${template}`;
    if (operation === undefined) return [`${name}: not in the document`];
    this.seen.add(name);
    const response = operation.responses[String(answer.status)];
    if (response === undefined) return [`${name}: status ${answer.status} is not documented`];
    const mediaType = (answer.contentType ?? '').split(';')[0]!.trim();
    const documented = Object.keys(response.content ?? {});
    const media = documented.find((type) => type.split(';')[0] === mediaType);
    if (media === undefined)
      return [`${name} ${answer.status}: content type ${mediaType} is not ${documented.join(' or ')}`];
    if (mediaType !== 'application/json') return [];
    const pointer = [
      'paths',
      template,
      method,
      'responses',
      String(answer.status),
      'content',
      media,
      'schema',
    ]
      .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    const validate = this.#ajv.getSchema(`api#/${pointer}`);
    if (validate === undefined) return [`${name} ${answer.status}: no schema at ${pointer}`];
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return [`${name} ${answer.status}: the body is not JSON`];
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${name} ${answer.status}: ${error.instancePath || 'body'} ${error.message}`,
    );
  }
}
