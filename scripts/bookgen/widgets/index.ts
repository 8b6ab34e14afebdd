// The entry of assets/widgets.js, the bundle a page with interactive figures loads (scripts/bookgen/bundle.ts).
import { main } from './runtime';

main();
