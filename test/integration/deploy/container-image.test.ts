import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { Copy, DockerfileParser, type Dockerfile, type Instruction } from 'dockerfile-ast';
import { buildRuntimeStage, projectRoot, type RuntimeStage } from '../../support/production-build';

/** One stage of the Dockerfile: its FROM and the instructions up to the next FROM. */
interface Stage {
  readonly name: string | null;
  readonly image: string | null;
  readonly tag: string | null;
  readonly instructions: readonly Instruction[];
}

function stagesOf(dockerfile: Dockerfile): Stage[] {
  const stages: {
    name: string | null;
    image: string | null;
    tag: string | null;
    instructions: Instruction[];
  }[] = [];
  const froms = dockerfile.getFROMs();
  for (const instruction of dockerfile.getInstructions()) {
    const from = froms.find(
      (candidate) => candidate.getRange().start.line === instruction.getRange().start.line,
    );
    if (from !== undefined)
      stages.push({
        name: from.getBuildStage(),
        image: from.getImageName(),
        tag: from.getImageTag(),
        instructions: [],
      });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

const keyword = (instruction: Instruction): string => instruction.getKeyword().toUpperCase();
const argsOf = (instruction: Instruction): string[] =>
  instruction.getArguments().map((arg) => arg.getValue());
const runs = (stage: Stage): string[] =>
  stage.instructions.filter((i) => keyword(i) === 'RUN').map((i) => i.getArgumentsContent() ?? '');
/** COPY instructions of a stage as [sources, destination, --from value]. */
const copies = (stage: Stage): { sources: string[]; from?: string }[] =>
  stage.instructions
    .filter((i): i is Copy => i instanceof Copy)
    .map((copy) => {
      const from = copy.getFromFlag()?.getValue() ?? undefined;
      return { sources: argsOf(copy).slice(0, -1), ...(from === undefined ? {} : { from }) };
    });

/** Every module a compiled file loads: `require("x")` and `require.resolve("x")`. */
function requiredModules(file: string): { specifier: string; viaResolve: boolean }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/require(\.resolve)?\(\s*["']([^"']+)["']\s*\)/g)].map((match) => ({
    specifier: match[2],
    viaResolve: match[1] !== undefined,
  }));
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('Container image (Dockerfile parsed with dockerfile-ast; no Docker engine here)', function () {
  this.timeout(180_000);
  const dockerfile = DockerfileParser.parse(readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8'));
  const stages = stagesOf(dockerfile);
  const [build, runtime] = stages;
  const packageJson = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  it('builds in a stage with every dependency and runs from a second stage, both on Node 22 LTS slim', () => {
    assert.equal(stages.length, 2);
    for (const stage of stages) {
      assert.equal(stage.image, 'node');
      assert.match(stage.tag ?? '', /^22(\.\d+){0,2}-(bookworm-)?slim$/, `${stage.name}: ${stage.tag}`);
    }
    assert.equal(build.name, 'build');
    const buildRuns = runs(build);
    assert.ok(
      buildRuns.some((run) => /\bnpm ci\b/.test(run) && !/--omit=dev/.test(run)),
      'the build stage installs dev dependencies',
    );
    assert.ok(buildRuns.includes('npm run build'), 'the build stage runs npm run build');
  });

  it('runs with production dependencies and dist/ only, as a non-root user, with NODE_ENV=production', () => {
    assert.ok(
      runs(runtime).some((run) => /\bnpm ci\b.*--omit=dev/.test(run)),
      'npm ci --omit=dev',
    );
    const runtimeCopies = copies(runtime);
    assert.deepEqual(
      runtimeCopies.filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources),
      ['package.json', 'package-lock.json'],
      'from the build context only the package files',
    );
    assert.deepEqual(
      runtimeCopies.filter((copy) => copy.from !== undefined),
      [{ sources: ['/app/dist'], from: 'build' }],
    );
    const env = runtime.instructions
      .filter((i) => keyword(i) === 'ENV')
      .flatMap((i) => argsOf(i).filter((arg) => arg !== '\\'));
    assert.ok(env.includes('NODE_ENV=production'), env.join(' '));
    const users = runtime.instructions.filter((i) => keyword(i) === 'USER').map((i) => argsOf(i)[0]);
    assert.equal(users.length, 1);
    assert.doesNotMatch(users[0] ?? 'root', /^(root|0)(:|$)/);
    const lastUserAt = runtime.instructions.findIndex((i) => keyword(i) === 'USER');
    const cmdAt = runtime.instructions.findIndex((i) => keyword(i) === 'CMD');
    assert.ok(lastUserAt >= 0 && lastUserAt < cmdAt, 'USER comes before CMD');
  });

  it('starts the built entry with an exec-form CMD, so SIGTERM reaches Node', () => {
    const cmds = dockerfile.getCMDs();
    assert.equal(cmds.length, 1);
    const strings = cmds[0].getJSONStrings().map((arg) => arg.getJSONValue());
    assert.ok(strings.length > 0, 'CMD is a JSON array (exec form), not a shell string');
    assert.deepEqual(strings, packageJson.scripts.serve.split(' '), 'the same command as npm run serve');
    assert.equal(dockerfile.getENTRYPOINTs().length, 0);
  });

  it('sends the builder exactly the files the Dockerfile copies (.dockerignore is an allow-list)', () => {
    const lines = readFileSync(path.join(projectRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    assert.equal(lines[0], '*', 'everything is excluded first');
    const allowed = lines
      .slice(1)
      .map((line) => {
        assert.ok(line.startsWith('!'), `only exceptions follow: ${line}`);
        return line.slice(1).replace(/\/$/, '');
      })
      .sort();
    const copied = stages
      .flatMap((stage) => copies(stage))
      .filter((copy) => copy.from === undefined)
      .flatMap((copy) => copy.sources)
      .map((source) => source.replace(/\/$/, ''));
    assert.deepEqual([...new Set(copied)].sort(), allowed);
  });

  describe('what dist/ needs at run time', () => {
    let stage: RuntimeStage;
    before(async () => {
      stage = await buildRuntimeStage();
    });

    it('finds every module dist/ requires in the production install, and none is a devDependency', () => {
      const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
      // Local runs only: production refuses to start Azurite (settings.ts), and this runs only when it starts.
      const localOnly = new Set(['src/storage/azurite-server.js azurite/package.json']);
      const problems: string[] = [];
      const packages = new Set<string>();
      for (const file of jsFiles(path.join(stage.dir, 'dist'))) {
        const relative = path.relative(path.join(stage.dir, 'dist'), file).split(path.sep).join('/');
        for (const { specifier, viaResolve } of requiredModules(file)) {
          if (specifier.startsWith('.') || builtins.has(specifier)) continue;
          if (viaResolve && localOnly.has(`${relative} ${specifier}`)) continue;
          const name = packageOf(specifier);
          packages.add(name);
          if (!(name in packageJson.dependencies))
            problems.push(`${relative} requires ${specifier}, which is not a production dependency`);
          try {
            require.resolve(specifier, { paths: [path.dirname(file)] });
          } catch {
            problems.push(`${relative} requires ${specifier}, missing after npm ci --omit=dev`);
          }
        }
      }
      assert.deepEqual(problems, []);
      assert.ok(packages.has('botbuilder') && packages.has('restify'), [...packages].join(', '));
    });
  });
});
