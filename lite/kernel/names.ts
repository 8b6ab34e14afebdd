/** The extension's package name (its folder in the site, its key on window._JUPYTERLAB). */
export const EXTENSION_NAME = '@vae-book/typescript-kernel';
