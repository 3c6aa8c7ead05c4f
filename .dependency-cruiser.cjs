/**
 * The dependency rule `npm test` checks (npm run lint:deps). lib/ is layered: a folder may import only the
 * folders below it, so no two folders import each other. Routes and pages reach the domain through
 * lib/use-cases; lab code (eval/, bench/) and tests may import the runtime, never the other way round.
 *
 *   app/, components/           pages, route handlers, client components
 *   lib/use-cases               upload, delete, look up, health, expiry, the Rekognition API, admission
 *   lib/rekognition-endpoint    AWS JSON 1.1 protocol (takes a Recognizer from its caller)
 *   lib/recognizer              the one Recognizer interface: local engine + gallery, or AWS Rekognition
 *   lib/store  lib/security     persistence; delete tokens
 *   lib/engine  lib/images  lib/gallery  lib/video   face nets; photo handling; the people we know and matching; ffmpeg and face tracking
 *   lib/http                    route wrapper (request id, errors, access log, latency), bounded body reads
 *   lib/contract  lib/observability  lib/*.ts   Rekognition-shaped types; logs and metrics; config, errors, limits
 */
const layers = [
  ['use-cases'],
  ['rekognition-endpoint'],
  ['recognizer'],
  ['store', 'security'],
  ['engine', 'images', 'gallery', 'video'],
  ['http'],
  ['contract', 'observability'],
];

const folderRules = layers.flatMap((folders, level) => {
  const above = layers.slice(0, level).flat();
  return folders.map((folder) => ({
    name: `lib-${folder}-layer`,
    comment: `lib/${folder} may import only folders below it (see .dependency-cruiser.cjs)`,
    severity: 'error',
    from: { path: `^lib/${folder}/` },
    to: { path: `^lib/(${[...above, ...folders.filter((f) => f !== folder)].join('|')})/` },
  })).filter((rule) => rule.to.path !== '^lib/()/');
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycles between modules.', from: {}, to: { circular: true } },
    ...folderRules,
    {
      name: 'lib-root-is-a-leaf',
      comment: 'lib/config, errors, limits and shutdown are imported by every layer, so they import only lib/observability.',
      severity: 'error',
      from: { path: '^lib/[^/]+\\.ts$' },
      to: { path: '^lib/(?!observability/)[^/]+/' },
    },
    {
      name: 'runtime-not-to-lab',
      comment: 'The app never loads evaluation, benchmark, test or operator-CLI code.',
      severity: 'error',
      from: { path: '^(lib|app|components)/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^(eval|bench|test|e2e|scripts|server)/' },
    },
    {
      name: 'pages-through-use-cases',
      comment: 'Routes, pages and components reach the domain through lib/use-cases (types from lib/store are fine).',
      severity: 'error',
      from: { path: '^(app|components)/' },
      to: { path: '^lib/(engine|gallery|images|recognizer|store|security|rekognition-endpoint|video)/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.next|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
