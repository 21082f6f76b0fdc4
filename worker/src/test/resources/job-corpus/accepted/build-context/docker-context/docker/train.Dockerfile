FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04
COPY requirements.txt .
RUN pip install -r requirements.txt
