# Jupyter server configuration that scripts/jupyter/lab.sh passes to `npm run lab` (--config), and only there.
#
# Why: jupyterlab-plotly (plotly 7.1) stores a PNG snapshot of every graph it draws next to the figure JSON
# (output data 'image/png'), and when a notebook is opened it shows that snapshot instead of the graph while
# the snapshot exists (its renderModel prefers data['image/png']; the interactive graph only appears once
# the pointer enters the picture). Dropping the snapshot when the notebook is saved makes a reopened,
# trusted notebook draw the interactive figure straight away. The figure JSON itself is kept unchanged,
# and the server signs the notebook after this hook, so the saved file stays trusted.
import warnings

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def strip_plotly_snapshots(model, **kwargs):
    """pre_save_hook: remove the 'image/png' snapshot from outputs that also hold a plotly figure."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    for cell in model["content"].get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data")
            if isinstance(data, dict) and PLOTLY_MIME in data:
                data.pop("image/png", None)


# The server and the JupyterLab extension each load this file, so the hook is set twice; only that
# self-replacement is silenced (replacing another hook still warns).
warnings.filterwarnings(
    "ignore", message=r"Overriding existing pre_save_hook \(strip_plotly_snapshots\) with a new one \(strip_plotly_snapshots\)"
)
c = get_config()  # noqa: F821 (provided by the traitlets config loader)
c.FileContentsManager.pre_save_hook = strip_plotly_snapshots
