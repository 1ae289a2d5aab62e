// The site's Handlebars templates (templates/site/*.hbs, partials in templates/site/partials/),
// compiled once per build in an environment of their own. Templates escape every {{value}};
// triple-stash {{{…}}} is used only for HTML this package rendered and escaped itself.
import Handlebars from 'handlebars';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../model/errors.js';

export type Render = (name: string, data: object) => string;

export function loadTemplates(dir: string): Render {
  if (!existsSync(join(dir, 'layout.hbs'))) throw new InputError(dir, 'no site templates here (expected layout.hbs)');
  const hb = Handlebars.create();
  hb.registerHelper('plural', (n: number, one: string, many: string) => (n === 1 ? one : many));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const partials = join(dir, 'partials');
  if (existsSync(partials)) {
    for (const f of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
      hb.registerPartial(f.slice(0, -4), readFileSync(join(partials, f), 'utf8').replace(/\n$/, ''));
    }
  }
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  return (name, data) => {
    let t = compiled.get(name);
    if (!t) {
      const file = join(dir, `${name}.hbs`);
      if (!existsSync(file)) throw new InputError(file, 'template missing');
      t = hb.compile(readFileSync(file, 'utf8'), { strict: false, preventIndent: true });
      compiled.set(name, t);
    }
    return t(data);
  };
}
