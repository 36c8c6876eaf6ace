"""The registry: the models and datasets a workspace keeps."""
