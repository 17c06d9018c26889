"""Deterministic generator of synthetic recruiting data in the exact schema of the Decision dataset.

It writes ``vagas.json``, ``applicants.json`` and ``prospects.json`` with the same key sets, key order and
quirks as the real files (``"nivel profissional"`` with a space, the misspelt ``situacao_candidado`` and
``data_requicisao``, dd-mm-yyyy date strings, many empty strings, ``cargo_atual`` = ``{}``...), so the
whole project runs on a fresh machine without the real data. All the text is built from the vocabularies
below; nothing is copied from the real files. Every person, CPF, e-mail, phone and address is fake, but in
realistic Brazilian formats so the PII redactor can be tested against them.

The three files join: every prospects key is a vaga id and every prospect ``codigo`` is an applicant with
the same ``nome``. The outcome of a prospect depends (noisily) on how well the applicant's area, skills,
level and English match the vaga, so hire prediction has real signal.

Same arguments give byte-identical files: every record draws from its own ``random.Random`` seeded with a
string (hashed with SHA-512 by ``random``, so independent of ``PYTHONHASHSEED``) and nothing reads the
clock. The files are written record by record, so memory stays low at the full scale.

    python -m devtools.sample --out data [--scale sample|full] [--seed 42] [--quiet]
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

__all__ = ["HIRE_STATUSES", "SCALES", "STATUS_MIX", "cpf_is_valid", "generate", "main"]

SCALES: dict[str, dict[str, int]] = {
    "sample": {"n_vagas": 300, "n_applicants": 1000, "n_prospects": 3000, "cv_chars": 1600},
    "full": {"n_vagas": 14000, "n_applicants": 42000, "n_prospects": 54000, "cv_chars": 2700},
}

VAGA_ID_START = 1000
APPLICANT_ID_START = 10000

# Target share (%) of each situacao_candidado, close to the real data.
STATUS_MIX: dict[str, float] = {
    "Prospect": 40.5,
    "Encaminhado ao Requisitante": 25.0,
    "Inscrito": 9.0,
    "Não Aprovado pelo Cliente": 6.0,
    "Desistiu": 5.0,
    "Contratado pela Decision": 5.0,
    "Não Aprovado pelo RH": 4.0,
    "Não Aprovado pelo Requisitante": 1.5,
    "Em avaliação pelo RH": 1.0,
    "Entrevista Técnica": 1.0,
    "Aprovado": 0.5,
    "Contratado como Hunting": 0.3,
    "Proposta Aceita": 0.2,
    "Entrevista com Cliente": 0.15,
    "Desistiu da Contratação": 0.15,
    "Documentação PJ": 0.1,
}
# How strongly each status follows the vaga/applicant match score (log-odds slope).
_STATUS_SLOPE: dict[str, float] = {
    "Prospect": 0.0,
    "Encaminhado ao Requisitante": 1.5,
    "Inscrito": 0.0,
    "Não Aprovado pelo Cliente": -1.0,
    "Desistiu": 0.3,
    "Contratado pela Decision": 5.0,
    "Não Aprovado pelo RH": -3.5,
    "Não Aprovado pelo Requisitante": -2.5,
    "Em avaliação pelo RH": 1.0,
    "Entrevista Técnica": 2.0,
    "Aprovado": 5.0,
    "Contratado como Hunting": 5.0,
    "Proposta Aceita": 5.0,
    "Entrevista com Cliente": 3.0,
    "Desistiu da Contratação": 2.5,
    "Documentação PJ": 4.0,
}
# Same as recruta.core.settings.DEFAULT_HIRED; a vaga gets at most one or two of these.
HIRE_STATUSES: tuple[str, ...] = (
    "Contratado pela Decision",
    "Contratado como Hunting",
    "Aprovado",
    "Proposta Aceita",
)

# --------------------------------------------------------------------------------------------------------
# Vocabularies (all written for this generator).
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Area:
    key: str
    vaga_label: str  # perfil_vaga.areas_atuacao (with the real files' trailing "-")
    cand_label: str  # informacoes_profissionais.area_atuacao
    desc: str  # "profissional com N anos de experiência em <desc>"
    desc_en: str
    roles: tuple[tuple[str, str], ...]  # (role title, focus skill it implies)
    leads: tuple[str, ...]  # titles for Líder/Coordenador/Gerente levels
    skills: tuple[str, ...]  # core skills first
    activities: tuple[str, ...]  # noun phrases; "{f}" is replaced by the focus skill
    certs: tuple[str, ...]
    courses: tuple[str, ...]
    related: tuple[str, ...]
    it: bool = True


_AREAS: tuple[_Area, ...] = (
    _Area(
        "sap", "TI - SAP-", "TI - SAP", "consultoria SAP", "SAP consulting",
        (("Consultor SAP FI", "SAP FI"), ("Consultor SAP CO", "SAP CO"), ("Consultor SAP MM", "SAP MM"),
         ("Consultor SAP SD", "SAP SD"), ("Consultor SAP PP/QM", "SAP PP"), ("Consultor SAP EWM", "SAP EWM"),
         ("Consultor SAP HCM", "SAP HCM"), ("Analista SAP Basis", "SAP Basis"),
         ("Desenvolvedor ABAP", "ABAP"), ("Consultor Funcional SAP FI/CO", "SAP FI")),
        ("Coordenador de Projetos SAP", "Arquiteto de Soluções SAP", "Gerente de Projetos SAP"),
        ("SAP FI", "SAP CO", "SAP MM", "SAP SD", "SAP PP", "SAP EWM", "SAP HCM", "SAP Basis", "ABAP",
         "S/4HANA", "SAP Fiori", "ECC 6.0", "SAP PI/PO", "IDoc", "BAPI", "SmartForms", "SAP Activate",
         "SAP BW", "ALV", "SAP Solution Manager", "CDS Views", "LSMW"),
        ("levantamento de requisitos e elaboração de especificações funcionais no módulo {f}",
         "parametrização do módulo {f} em projetos de implantação e roll-out",
         "condução de workshops de blueprint com usuários-chave do cliente",
         "suporte a testes unitários, testes integrados e homologação com usuários",
         "atendimento de chamados de sustentação (AMS) dentro dos SLAs acordados",
         "elaboração de especificações funcionais para desenvolvimentos ABAP",
         "apoio na migração de dados e na virada de sistema (cutover)",
         "treinamento de usuários-chave e elaboração de manuais de processo",
         "integração do {f} com os demais módulos financeiros e logísticos",
         "conversão de ambiente ECC 6.0 para S/4HANA com adequação de processos",
         "análise de gaps entre os processos de negócio e o padrão SAP",
         "acompanhamento do fechamento mensal e correção de inconsistências no {f}",
         "desenvolvimento de relatórios ALV, SmartForms, BAPIs e user exits",
         "monitoramento de interfaces IDoc e tratamento de erros de integração"),
        ("SAP Certified Application Associate", "SAP Certified Technology Associate - S/4HANA",
         "SAP Activate Project Manager"),
        ("Ciências Contábeis", "Administração de Empresas", "Sistemas de Informação",
         "Engenharia de Produção"),
        ("processos", "financeiro"),
    ),
    _Area(
        "java", "TI - Desenvolvimento/Programação-", "TI - Desenvolvimento/Programação",
        "desenvolvimento de software em Java", "Java software development",
        (("Desenvolvedor Java", "Java"), ("Analista Desenvolvedor Java", "Java"),
         ("Engenheiro de Software Java", "Java"), ("Programador Java", "Java"),
         ("Desenvolvedor Back-end Java", "Spring Boot")),
        ("Tech Lead Java", "Arquiteto de Software Java", "Coordenador de Desenvolvimento"),
        ("Java", "Spring Boot", "APIs REST", "Microsserviços", "Hibernate", "JPA", "SQL", "Git", "Maven",
         "JUnit", "Mockito", "Kafka", "RabbitMQ", "Docker", "Kubernetes", "Oracle", "PostgreSQL", "Jenkins",
         "Java EE", "Quarkus", "AWS"),
        ("desenvolvimento de APIs REST com Spring Boot e documentação via Swagger/OpenAPI",
         "manutenção evolutiva e corretiva de sistemas legados em Java EE",
         "migração de aplicações monolíticas para arquitetura de microsserviços",
         "implementação de mensageria assíncrona com Kafka e RabbitMQ",
         "criação de testes unitários e de integração com JUnit e Mockito",
         "modelagem de dados e otimização de consultas SQL em Oracle e PostgreSQL",
         "code review e definição de boas práticas de desenvolvimento com o time",
         "configuração de pipelines de CI/CD no Jenkins e no GitLab CI",
         "containerização de aplicações com Docker e deploy em Kubernetes",
         "integração com sistemas de terceiros via web services SOAP e REST",
         "análise e correção de incidentes em produção junto ao time de sustentação",
         "levantamento de requisitos técnicos junto aos analistas de negócio",
         "desenvolvimento de rotinas batch e processamento de arquivos com Spring Batch"),
        ("Oracle Certified Professional Java SE", "AWS Certified Developer - Associate",
         "Spring Professional Certification"),
        ("Ciência da Computação", "Análise e Desenvolvimento de Sistemas", "Sistemas de Informação",
         "Engenharia de Software"),
        ("dotnet", "frontend", "cloud"),
    ),
    _Area(
        "dotnet", "TI - Desenvolvimento/Programação-", "TI - Desenvolvimento/Programação",
        "desenvolvimento de sistemas em .NET", ".NET software development",
        (("Desenvolvedor .NET", "C#"), ("Desenvolvedor C#", "C#"),
         ("Analista Desenvolvedor .NET", ".NET Core"),
         ("Engenheiro de Software .NET", ".NET Core"), ("Desenvolvedor Full Stack .NET", "C#")),
        ("Tech Lead .NET", "Arquiteto de Software .NET", "Coordenador de Desenvolvimento"),
        ("C#", ".NET Core", "ASP.NET MVC", "Web API", "Entity Framework", "SQL Server", "LINQ", "Git",
         ".NET Framework", "Azure DevOps", "Angular", "xUnit", "Dapper", "Azure", "Docker", "RabbitMQ",
         "Clean Architecture", "SOLID", "Blazor"),
        ("desenvolvimento de APIs em ASP.NET Core com Entity Framework e SQL Server",
         "manutenção de sistemas legados em .NET Framework e Web Forms",
         "criação de telas em Angular integradas a serviços .NET",
         "escrita de testes automatizados com xUnit e cobertura no pipeline",
         "otimização de procedures, views e índices no SQL Server",
         "publicação de aplicações no Azure App Service via Azure DevOps",
         "refatoração de código aplicando SOLID e Clean Architecture",
         "integração com filas RabbitMQ e Azure Service Bus",
         "desenvolvimento de serviços Windows e rotinas agendadas em C#",
         "atendimento a demandas de melhoria priorizadas pelo Product Owner",
         "análise de logs e correção de bugs reportados pelos usuários",
         "participação no desenho técnico de novas funcionalidades"),
        ("Microsoft Certified: Azure Developer Associate", "Microsoft Certified: Azure Fundamentals (AZ-900)",
         "MCSD - Web Applications"),
        ("Ciência da Computação", "Análise e Desenvolvimento de Sistemas", "Sistemas de Informação",
         "Engenharia da Computação"),
        ("java", "frontend"),
    ),
    _Area(
        "frontend", "TI - Desenvolvimento/Design-", "TI - Desenvolvimento/Design",
        "desenvolvimento front-end e mobile", "front-end and mobile development",
        (("Desenvolvedor Front-end React", "React"), ("Desenvolvedor Front-end Angular", "Angular"),
         ("Desenvolvedor Vue.js", "Vue.js"), ("Desenvolvedor Mobile React Native", "React Native"),
         ("Desenvolvedor Mobile Flutter", "Flutter"), ("Desenvolvedor Web", "JavaScript")),
        ("Tech Lead Front-end", "Arquiteto Front-end", "Coordenador de Desenvolvimento"),
        ("JavaScript", "TypeScript", "React", "Angular", "HTML5", "CSS3", "Vue.js", "Redux", "Sass",
         "Next.js",
         "Node.js", "Jest", "Cypress", "Figma", "React Native", "Flutter", "Webpack", "Storybook", "Git",
         "Acessibilidade (WCAG)"),
        ("desenvolvimento de interfaces responsivas com React, TypeScript e Redux",
         "construção de componentes reutilizáveis e design system com Storybook",
         "integração do front-end com APIs REST e GraphQL",
         "desenvolvimento de aplicativos mobile com React Native publicados nas lojas",
         "implementação de layouts a partir de protótipos no Figma",
         "criação de testes unitários com Jest e testes end-to-end com Cypress",
         "melhoria de performance e métricas de Core Web Vitals",
         "adequação de telas às diretrizes de acessibilidade (WCAG)",
         "migração de aplicações AngularJS para Angular",
         "desenvolvimento de aplicações server-side com Next.js",
         "apoio ao time de UX em testes de usabilidade"),
        ("Google Mobile Web Specialist", "Scrum Foundation Professional Certificate"),
        ("Análise e Desenvolvimento de Sistemas", "Ciência da Computação", "Design Digital",
         "Sistemas para Internet"),
        ("java", "dotnet"),
    ),
    _Area(
        "dados", "TI - Banco de Dados/BI-", "TI - Banco de Dados/BI", "dados, BI e banco de dados",
        "data, BI and databases",
        (("Analista de BI", "Power BI"), ("Engenheiro de Dados", "Spark"), ("Cientista de Dados", "Python"),
         ("DBA Oracle", "Oracle"), ("DBA SQL Server", "SQL Server"), ("Analista de Dados", "SQL"),
         ("Desenvolvedor ETL", "ETL")),
        ("Líder de Engenharia de Dados", "Arquiteto de Dados", "Coordenador de BI"),
        ("SQL", "Python", "Power BI", "ETL", "Spark", "Databricks", "Airflow", "Oracle", "SQL Server",
         "Modelagem Dimensional", "Data Warehouse", "PL/SQL", "DAX", "Azure Data Factory", "AWS Glue",
         "Pandas", "Tableau", "Qlik Sense", "SSIS", "Snowflake"),
        ("construção de pipelines de dados com Spark e Databricks",
         "desenvolvimento de dashboards em Power BI com DAX para a diretoria",
         "modelagem dimensional e carga de Data Warehouse",
         "orquestração de rotinas de ETL com Airflow e Azure Data Factory",
         "administração de bancos Oracle e SQL Server, backup e tuning de performance",
         "criação de modelos preditivos em Python com pandas e scikit-learn",
         "tratamento, limpeza e validação de qualidade dos dados",
         "desenvolvimento de procedures, functions e packages em PL/SQL",
         "levantamento de indicadores junto às áreas de negócio",
         "migração de bases on-premises para a nuvem (Snowflake e AWS)",
         "documentação de catálogo de dados e regras de governança",
         "automação de relatórios gerenciais antes feitos em planilhas"),
        ("Microsoft Certified: Power BI Data Analyst Associate",
         "Databricks Certified Data Engineer Associate",
         "Oracle Database SQL Certified Associate"),
        ("Ciência da Computação", "Estatística", "Sistemas de Informação", "Engenharia de Produção"),
        ("java", "processos", "cloud"),
    ),
    _Area(
        "infra", "TI - Infraestrutura-", "TI - Infraestrutura", "infraestrutura de TI e redes",
        "IT infrastructure and networking",
        (("Analista de Infraestrutura", "Windows Server"), ("Analista de Redes", "Cisco"),
         ("Analista de Infraestrutura Linux", "Linux"), ("Administrador de Sistemas", "VMware"),
         ("Analista de Segurança da Informação", "Firewall"), ("Analista de Backup", "Veeam")),
        ("Coordenador de Infraestrutura", "Especialista em Infraestrutura", "Gerente de Infraestrutura"),
        ("Windows Server", "Active Directory", "Linux", "VMware", "Cisco", "Roteadores e Switches",
         "Firewall",
         "Red Hat", "Hyper-V", "Fortinet", "Veeam", "Zabbix", "DNS/DHCP", "Exchange", "Office 365",
         "PowerShell", "Shell Script", "ITIL", "Storage", "VPN"),
        ("administração de servidores Windows Server e Active Directory",
         "gerenciamento de ambiente virtualizado VMware e Hyper-V",
         "configuração de roteadores, switches Cisco e VLANs",
         "administração de firewalls Fortinet e regras de acesso VPN",
         "rotinas de backup e restore com Veeam e testes de recuperação",
         "monitoramento de servidores e links com Zabbix",
         "administração de servidores Linux Red Hat e automação com Shell Script",
         "migração de caixas de e-mail Exchange para Office 365",
         "gestão de incidentes e mudanças seguindo as práticas ITIL",
         "hardening de servidores e tratamento de vulnerabilidades",
         "suporte ao data center, cabeamento estruturado e storage",
         "automação de tarefas administrativas com PowerShell"),
        ("CCNA - Cisco Certified Network Associate", "ITIL v4 Foundation", "VMware Certified Professional",
         "LPIC-1", "Microsoft Certified: Azure Administrator"),
        ("Redes de Computadores", "Gestão da Tecnologia da Informação", "Ciência da Computação",
         "Segurança da Informação"),
        ("cloud", "suporte"),
    ),
    _Area(
        "cloud", "TI - Cloud e DevOps-", "TI - Cloud e DevOps", "cloud computing e DevOps",
        "cloud computing and DevOps",
        (("Engenheiro DevOps", "Terraform"), ("Analista de Cloud AWS", "AWS"),
         ("Analista de Cloud Azure", "Azure"), ("Engenheiro de Confiabilidade (SRE)", "Kubernetes"),
         ("Arquiteto Cloud", "AWS")),
        ("Líder de DevOps", "Arquiteto de Soluções Cloud", "Gerente de Operações Cloud"),
        ("AWS", "Azure", "Terraform", "Kubernetes", "Docker", "CI/CD", "Linux", "GCP", "Jenkins", "GitLab CI",
         "GitHub Actions", "Ansible", "Prometheus", "Grafana", "Python", "Helm", "AWS Lambda", "EC2",
         "Azure DevOps", "IAM"),
        ("provisionamento de infraestrutura como código com Terraform",
         "administração de clusters Kubernetes (EKS e AKS) e charts Helm",
         "criação e manutenção de pipelines de CI/CD no GitLab CI e GitHub Actions",
         "migração de cargas de trabalho on-premises para AWS e Azure",
         "observabilidade com Prometheus, Grafana e alertas de SLO",
         "gestão de custos e right-sizing de recursos em nuvem (FinOps)",
         "automação de configuração de servidores com Ansible",
         "definição de políticas de IAM, redes VPC e segurança em nuvem",
         "desenvolvimento de funções serverless com AWS Lambda",
         "atendimento a incidentes de produção em regime de plantão",
         "padronização de imagens Docker e hardening de containers"),
        ("AWS Certified Solutions Architect - Associate",
         "Microsoft Certified: Azure Administrator Associate",
         "Certified Kubernetes Administrator (CKA)", "HashiCorp Certified: Terraform Associate"),
        ("Ciência da Computação", "Redes de Computadores", "Engenharia da Computação",
         "Análise e Desenvolvimento de Sistemas"),
        ("infra", "java"),
    ),
    _Area(
        "qa", "TI - Qualidade/Testes-", "TI - Qualidade/Testes", "qualidade de software e testes",
        "software quality and testing",
        (("Analista de Testes", "Testes Funcionais"), ("Analista de QA", "Selenium"),
         ("Analista de Automação de Testes", "Cypress"), ("Engenheiro de Qualidade", "Robot Framework"),
         ("Analista de Testes Mobile", "Appium")),
        ("Líder de QA", "Coordenador de Qualidade de Software", "Especialista em Automação de Testes"),
        ("Testes Funcionais", "Testes de Regressão", "Selenium", "Cypress", "Robot Framework", "Postman",
         "BDD", "Appium", "JMeter", "Cucumber", "Gherkin", "Jira", "Testes de API", "TestLink", "SQL", "Java",
         "Python", "Zephyr", "Azure Test Plans"),
        ("elaboração de planos e casos de teste a partir das histórias de usuário",
         "execução de testes funcionais, de regressão e exploratórios",
         "automação de testes web com Selenium e Cypress",
         "automação de testes de API com Postman e Robot Framework",
         "escrita de cenários BDD em Gherkin com Cucumber",
         "testes de performance e carga com JMeter",
         "registro e acompanhamento de defeitos no Jira até o reteste",
         "testes de aplicativos mobile com Appium em dispositivos reais",
         "validação de dados em banco com consultas SQL",
         "definição de métricas de qualidade e relatórios de cobertura de testes",
         "participação no refinamento das histórias com critérios de aceite"),
        ("CTFL - Certified Tester Foundation Level (ISTQB)", "CTAL - Test Automation Engineer"),
        ("Análise e Desenvolvimento de Sistemas", "Sistemas de Informação", "Ciência da Computação"),
        ("java", "processos"),
    ),
    _Area(
        "suporte", "TI - Suporte-", "TI - Suporte", "suporte técnico e service desk",
        "technical support and service desk",
        (("Analista de Suporte", "Service Desk"), ("Técnico de Suporte", "Suporte N1/N2"),
         ("Analista de Suporte N2", "Suporte N1/N2"), ("Analista de Service Desk", "Service Desk"),
         ("Técnico de Campo", "Hardware")),
        ("Supervisor de Service Desk", "Coordenador de Suporte", "Líder de Suporte Técnico"),
        ("Service Desk", "Suporte N1/N2", "Hardware", "Windows 10/11", "Office 365", "Active Directory",
         "Atendimento ao Usuário", "ServiceNow", "GLPI", "ITIL", "Redes TCP/IP", "Impressoras e Periféricos",
         "Acesso Remoto", "Jira Service Management", "Inventário de Ativos", "Linux Básico"),
        ("atendimento a chamados de primeiro e segundo nível via ServiceNow",
         "instalação e configuração de estações de trabalho, notebooks e periféricos",
         "criação e bloqueio de usuários no Active Directory e no Office 365",
         "suporte remoto a usuários e resolução de problemas de rede local",
         "formatação, backup e instalação de sistemas operacionais e softwares",
         "controle de inventário de equipamentos e licenças",
         "atendimento presencial a usuários VIP e salas de reunião",
         "registro de soluções na base de conhecimento",
         "escalonamento de incidentes para as equipes de infraestrutura",
         "preparação de equipamentos para novos colaboradores (onboarding)",
         "acompanhamento de SLAs e indicadores de atendimento"),
        ("ITIL v4 Foundation", "CompTIA A+", "HDI Support Center Analyst"),
        ("Redes de Computadores", "Gestão da Tecnologia da Informação", "Técnico em Informática"),
        ("infra", "administrativo"),
    ),
    _Area(
        "projetos", "TI - Projetos-", "TI - Projetos", "gestão de projetos de TI", "IT project management",
        (("Gerente de Projetos de TI", "Gestão de Projetos"), ("Scrum Master", "Scrum"),
         ("Analista de PMO", "PMO"), ("Product Owner", "Gestão de Backlog"),
         ("Coordenador de Projetos", "PMBOK"), ("Agilista", "Kanban")),
        ("Gerente de Projetos Sênior", "Coordenador de PMO", "Gerente de Programas"),
        ("Gestão de Projetos", "Scrum", "Kanban", "PMBOK", "PMO", "Jira", "MS Project", "Gestão de Backlog",
         "Gestão de Riscos", "Gestão de Stakeholders", "Confluence", "SAFe", "OKR", "Power BI",
         "Excel Avançado", "Gestão de Mudanças", "Lean", "Orçamento de Projetos"),
        ("planejamento e controle de cronogramas, custos e escopo de projetos",
         "condução de cerimônias ágeis como Scrum Master de dois squads",
         "gestão de riscos, issues e planos de ação com os stakeholders",
         "elaboração de status reports e apresentação para comitês executivos",
         "priorização e refinamento do backlog junto às áreas de negócio",
         "implantação do PMO e padronização de metodologia de projetos",
         "acompanhamento de fornecedores e medições de contratos",
         "gestão de equipes multidisciplinares de até 15 pessoas",
         "controle de orçamento (capex e opex) e forecast dos projetos",
         "definição de OKRs e indicadores de entrega",
         "gestão de mudanças organizacionais na implantação de sistemas",
         "facilitação de workshops de planejamento (PI planning)"),
        ("PMP - Project Management Professional", "PSM I - Professional Scrum Master",
         "CSPO - Certified Scrum Product Owner", "SAFe Agilist"),
        ("Administração de Empresas", "Engenharia de Produção", "Sistemas de Informação",
         "Gestão de Projetos"),
        ("processos", "sap"),
    ),
    _Area(
        "processos", "TI - Processos e Negócios-", "TI - Processos e Negócios",
        "análise de negócios e processos",
        "business and process analysis",
        (("Analista de Negócios", "Levantamento de Requisitos"), ("Analista de Processos", "BPMN"),
         ("Analista de Requisitos", "Levantamento de Requisitos"),
         ("Analista Funcional", "Especificação Funcional")),
        ("Coordenador de Processos", "Especialista em Processos", "Gerente de Negócios de TI"),
        ("Levantamento de Requisitos", "BPMN", "Mapeamento de Processos", "Especificação Funcional",
         "Histórias de Usuário", "UML", "Bizagi", "SQL", "Jira", "Confluence", "Power BI", "Excel Avançado",
         "Design Thinking", "Análise de Dados", "Lean Six Sigma", "Visio"),
        ("mapeamento de processos AS-IS e TO-BE em BPMN com Bizagi",
         "levantamento de requisitos com as áreas de negócio e escrita de histórias de usuário",
         "elaboração de especificações funcionais e regras de negócio",
         "apoio ao time de desenvolvimento no esclarecimento de dúvidas funcionais",
         "análise de indicadores de processo e proposição de melhorias",
         "condução de workshops de Design Thinking com usuários",
         "validação de entregas e testes de aceite com os usuários",
         "documentação de fluxos no Confluence e diagramas UML",
         "consultas SQL para análise de dados e validação de regras",
         "projetos de melhoria contínua com Lean Six Sigma"),
        ("CBAP - Certified Business Analysis Professional", "Lean Six Sigma Green Belt", "CPRE-FL (IREB)"),
        ("Administração de Empresas", "Sistemas de Informação", "Engenharia de Produção"),
        ("projetos", "qa", "dados"),
    ),
    _Area(
        "financeiro", "Financeira/Controladoria-", "Financeira/Controladoria",
        "finanças, contabilidade e controladoria",
        "finance, accounting and controlling",
        (("Analista Financeiro", "Contas a Pagar"), ("Analista Contábil", "Conciliação Contábil"),
         ("Analista de Controladoria", "Orçamento"), ("Analista Fiscal", "Apuração de Impostos"),
         ("Assistente Financeiro", "Contas a Receber")),
        ("Coordenador Financeiro", "Supervisor Contábil", "Gerente de Controladoria"),
        ("Contas a Pagar", "Contas a Receber", "Conciliação Bancária", "Conciliação Contábil", "Orçamento",
         "Fechamento Contábil", "Excel Avançado", "Apuração de Impostos", "SPED", "Forecast", "IFRS",
         "SAP FI",
         "TOTVS Protheus", "Fluxo de Caixa", "DRE", "Power BI", "Faturamento", "Tesouraria"),
        ("lançamentos contábeis e conciliação de contas patrimoniais",
         "fechamento contábil mensal e elaboração de DRE e balanço",
         "rotinas de contas a pagar e a receber e programação de pagamentos",
         "conciliação bancária diária e controle de fluxo de caixa",
         "apuração de impostos diretos e indiretos e entrega das obrigações do SPED",
         "elaboração do orçamento anual e acompanhamento do forecast",
         "análise de variações entre realizado e orçado com as áreas",
         "atendimento a auditorias externas e preparação de evidências",
         "emissão de notas fiscais e controle de faturamento",
         "cobrança de clientes inadimplentes e negociação de acordos",
         "elaboração de relatórios gerenciais para a diretoria financeira"),
        ("CPA-20", "Registro ativo no CRC", "Certificação em IFRS"),
        ("Ciências Contábeis", "Administração de Empresas", "Economia", "Gestão Financeira"),
        ("administrativo", "sap"),
        False,
    ),
    _Area(
        "rh", "Recursos Humanos-", "Recursos Humanos", "recursos humanos", "human resources",
        (("Analista de Recursos Humanos", "Recrutamento e Seleção"),
         ("Analista de Departamento Pessoal", "Folha de Pagamento"), ("Recrutador Tech", "Hunting"),
         ("Business Partner de RH", "Gestão de Pessoas"), ("Assistente de RH", "Admissão e Demissão")),
        ("Coordenador de RH", "Gerente de Recursos Humanos", "Supervisor de Departamento Pessoal"),
        ("Recrutamento e Seleção", "Hunting", "Folha de Pagamento", "Admissão e Demissão", "eSocial",
         "Entrevista por Competências", "Benefícios", "Gestão de Pessoas", "Treinamento e Desenvolvimento",
         "Avaliação de Desempenho", "LinkedIn Recruiter", "Excel Avançado", "Legislação Trabalhista",
         "Onboarding", "Clima Organizacional", "Senior HCM"),
        ("condução de processos seletivos completos, da triagem à proposta",
         "hunting de profissionais de tecnologia via LinkedIn Recruiter",
         "entrevistas por competências e alinhamento de perfil com os gestores",
         "processamento da folha de pagamento, férias e rescisões",
         "admissões, desligamentos e envio de eventos ao eSocial",
         "gestão de benefícios e atendimento aos colaboradores",
         "organização de treinamentos e programas de integração (onboarding)",
         "condução do ciclo de avaliação de desempenho",
         "aplicação e análise de pesquisa de clima organizacional",
         "controle de indicadores de turnover, absenteísmo e tempo de contratação"),
        ("Certificação em Coaching", "Formação em Assessment DISC"),
        ("Psicologia", "Gestão de Recursos Humanos", "Administração de Empresas"),
        ("administrativo",),
        False,
    ),
    _Area(
        "administrativo", "Administrativa-", "Administrativa", "rotinas administrativas e atendimento",
        "administrative routines and customer service",
        (("Assistente Administrativo", "Rotinas Administrativas"),
         ("Analista Administrativo", "Rotinas Administrativas"),
         ("Auxiliar Administrativo", "Atendimento ao Cliente"), ("Recepcionista", "Atendimento ao Cliente"),
         ("Analista de Compras", "Compras"), ("Assistente de Faturamento", "Faturamento")),
        ("Supervisor Administrativo", "Coordenador Administrativo", "Gerente Administrativo"),
        ("Rotinas Administrativas", "Pacote Office", "Excel Avançado", "Atendimento ao Cliente",
         "Controle de Documentos", "Compras", "Cotação com Fornecedores", "Faturamento",
         "Emissão de Notas Fiscais", "Agenda Executiva", "Gestão de Contratos", "ERP TOTVS", "Arquivo",
         "SAP MM", "Logística", "Controle de Estoque"),
        ("controle de documentos, contratos e arquivo da área",
         "cotação com fornecedores e emissão de pedidos de compra",
         "emissão de notas fiscais e conferência de faturamento",
         "atendimento telefônico e presencial a clientes e fornecedores",
         "organização de agenda executiva, viagens e reuniões da diretoria",
         "controle de estoque de materiais de escritório e inventário",
         "lançamento de pedidos e notas no ERP TOTVS",
         "elaboração de planilhas de controle e relatórios em Excel",
         "apoio ao departamento financeiro com conferência de pagamentos",
         "recepção de visitantes e controle de correspondências"),
        ("Curso de Excel Avançado", "Curso de Rotinas Administrativas"),
        ("Administração de Empresas", "Logística", "Secretariado Executivo", "Gestão Comercial"),
        ("financeiro", "rh", "suporte"),
        False,
    ),
)
_AREA_INDEX = {a.key: i for i, a in enumerate(_AREAS)}
_TEAMS = {
    "sap": "Projetos SAP", "java": "Desenvolvimento Java", "dotnet": "Desenvolvimento .NET",
    "frontend": "Desenvolvimento Front-end", "dados": "Dados e BI", "infra": "Infraestrutura",
    "cloud": "Cloud e DevOps", "qa": "Qualidade de Software", "suporte": "Suporte Técnico",
    "projetos": "Projetos de TI", "processos": "Processos", "financeiro": "Controladoria",
    "rh": "Recursos Humanos", "administrativo": "Administração",
}
# Weights of each area among vagas and among applicants (same order as _AREAS).
_VAGA_AREA_W = (14, 11, 8, 5, 9, 7, 6, 6, 5, 12, 5, 4, 3, 4)
_APP_AREA_W = (8, 9, 7, 6, 8, 9, 5, 6, 10, 7, 5, 6, 5, 10)

_IT_GENERIC = (
    "reuniões diárias com o time e acompanhamento das entregas da sprint",
    "elaboração de documentação técnica e manuais de operação",
    "apoio aos usuários-chave na homologação de novas funcionalidades",
    "registro e acompanhamento de atividades no Jira",
    "interface com fornecedores e clientes internos para priorização de demandas",
    "mentoria de profissionais juniores e repasse de conhecimento",
    "atendimento a incidentes e requisições em regime de sustentação",
    "estimativas de esforço e acompanhamento de prazos",
    "projetos de transformação digital em clientes de grande porte",
    "apresentação de indicadores de desempenho para a gestão",
)
_BIZ_GENERIC = (
    "elaboração de relatórios gerenciais em Excel",
    "atendimento a clientes internos e externos por telefone e e-mail",
    "organização de arquivos físicos e digitais",
    "apoio à liderança em demandas administrativas diversas",
    "controle de planilhas e indicadores da área",
    "interface com outras áreas da empresa para solução de pendências",
    "lançamentos e conferências em sistema ERP",
    "apoio em auditorias internas e externas",
)
_BEHAVIOURAL = (
    "Boa comunicação oral e escrita",
    "Proatividade e autonomia",
    "Perfil analítico e atenção a detalhes",
    "Facilidade de trabalho em equipe",
    "Foco em resultados e cumprimento de prazos",
    "Bom relacionamento com usuários e clientes",
    "Organização e capacidade de priorização",
    "Capacidade de negociação",
    "Flexibilidade para mudanças de escopo",
    "Postura consultiva",
    "Resiliência para atuar sob pressão",
)
_SECTORS = (
    "financeiro", "varejo", "telecomunicações", "seguros", "saúde", "energia", "indústria", "logística",
    "agronegócio", "educação", "setor público", "automotivo", "bancário", "mineração", "bens de consumo",
)

_FEMALE = (
    "Ana", "Beatriz", "Camila", "Carolina", "Daniela", "Fernanda", "Gabriela", "Juliana", "Larissa",
    "Letícia",
    "Luana", "Mariana", "Natália", "Patrícia", "Priscila", "Renata", "Sabrina", "Tatiane", "Vanessa",
    "Yasmin",
    "Aline", "Bruna", "Cláudia", "Débora", "Elaine", "Flávia", "Isabela", "Jéssica", "Karina", "Lívia",
    "Marcela", "Michele", "Paula", "Raquel", "Sandra", "Simone", "Thaís", "Viviane", "Adriana", "Bianca",
    "Ana Paula", "Maria Eduarda", "Ana Clara", "Maria Luísa", "Lúcia", "Rosana", "Helena", "Alice",
)
_MALE = (
    "André", "Bruno", "Carlos", "Daniel", "Diego", "Eduardo", "Fábio", "Felipe", "Gabriel", "Guilherme",
    "Gustavo", "Henrique", "Igor", "João", "José", "Leandro", "Lucas", "Luiz", "Marcelo", "Marcos", "Mateus",
    "Paulo", "Pedro", "Rafael", "Renato", "Ricardo", "Rodrigo", "Samuel", "Thiago", "Vinícius", "Wagner",
    "Alexandre", "Caio", "Danilo", "Fernando", "Leonardo", "Márcio", "Otávio", "Roberto", "Sérgio",
    "João Pedro", "Pedro Henrique", "Luiz Fernando", "Antônio", "Francisco", "Raimundo", "Heitor", "Enzo",
)
_SURNAMES = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
    "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa",
    "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas",
    "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira", "Araújo", "Correia", "Pinto", "Castro", "Campos",
    "Monteiro", "Moura", "Cavalcanti", "Batista", "Farias", "Duarte", "Miranda", "Peixoto", "Rezende",
    "Sampaio", "Tavares", "Xavier", "Brandão", "Siqueira", "Fonseca", "Queiroz", "Prado", "Macedo", "Borges",
)
_PARTICLES = {"Silva": "da ", "Costa": "da ", "Rocha": "da ", "Fonseca": "da ", "Santos": "dos ",
              "Souza": "de ", "Oliveira": "de ", "Almeida": "de ", "Andrade": "de ", "Freitas": "de ",
              "Castro": "de ", "Carvalho": "de ", "Araújo": "de ", "Moura": "de ", "Paula": "de "}

# (city, state, uf, ddd, cep range, weight among vagas, weight among applicants)
_CITIES: tuple[tuple[str, str, str, int, tuple[int, int], float, float], ...] = (
    ("São Paulo", "São Paulo", "SP", 11, (1000, 5999), 62, 30),
    ("Campinas", "São Paulo", "SP", 19, (13000, 13139), 3, 4),
    ("Santo André", "São Paulo", "SP", 11, (9000, 9299), 1, 3),
    ("Guarulhos", "São Paulo", "SP", 11, (7000, 7399), 1, 3),
    ("Osasco", "São Paulo", "SP", 11, (6000, 6299), 1, 3),
    ("Barueri", "São Paulo", "SP", 11, (6400, 6499), 3, 2),
    ("Sorocaba", "São Paulo", "SP", 15, (18000, 18109), 0.5, 2),
    ("São José dos Campos", "São Paulo", "SP", 12, (12200, 12249), 1, 2),
    ("Ribeirão Preto", "São Paulo", "SP", 16, (14000, 14114), 0.5, 2),
    ("Hortolândia", "São Paulo", "SP", 19, (13183, 13189), 2, 1),
    ("Rio de Janeiro", "Rio de Janeiro", "RJ", 21, (20000, 23799), 6, 7),
    ("Niterói", "Rio de Janeiro", "RJ", 21, (24000, 24399), 0.5, 1),
    ("Belo Horizonte", "Minas Gerais", "MG", 31, (30000, 31999), 4, 6),
    ("Nova Lima", "Minas Gerais", "MG", 31, (34000, 34019), 3, 1),
    ("Uberlândia", "Minas Gerais", "MG", 34, (38400, 38415), 0.5, 1),
    ("Curitiba", "Paraná", "PR", 41, (80000, 82999), 2, 4),
    ("Londrina", "Paraná", "PR", 43, (86000, 86099), 0.5, 1),
    ("Porto Alegre", "Rio Grande do Sul", "RS", 51, (90000, 91999), 1, 3),
    ("Recife", "Pernambuco", "PE", 81, (50000, 52999), 4, 4),
    ("Fortaleza", "Ceará", "CE", 85, (60000, 61599), 2, 3),
    ("Salvador", "Bahia", "BA", 71, (40000, 42499), 1, 3),
    ("Brasília", "Distrito Federal", "DF", 61, (70000, 72799), 1, 3),
    ("Florianópolis", "Santa Catarina", "SC", 48, (88000, 88099), 0.5, 2),
    ("Goiânia", "Goiás", "GO", 62, (74000, 74899), 0.5, 2),
    ("Vitória", "Espírito Santo", "ES", 27, (29000, 29099), 0.5, 1),
    ("Manaus", "Amazonas", "AM", 92, (69000, 69099), 0.5, 1),
)
_STREETS = (
    "rua das flores", "rua são bento", "avenida brasil", "rua sete de setembro", "rua dom pedro ii",
    "rua tiradentes", "avenida santos dumont", "rua das palmeiras", "rua xv de novembro",
    "rua marechal deodoro", "avenida getúlio vargas", "rua das acácias", "rua dos ipês", "rua joão pessoa",
    "alameda dos jacarandás", "travessa do sol", "rua da esperança", "avenida das nações",
    "rua santa luzia", "rua do comércio", "rua bela vista", "avenida independência", "rua dos girassóis",
)
_BAIRROS = (
    "centro", "jardim paulista", "vila nova", "bela vista", "santa cecília", "vila mariana",
    "jardim das flores", "parque industrial", "boa vista", "jardim américa", "vila progresso",
    "cidade nova", "alto da colina", "jardim europa", "vila operária", "santo antônio",
)
_EMAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "hotmail.com", "hotmail.com", "outlook.com",
                  "yahoo.com.br", "uol.com.br", "bol.com.br", "icloud.com")
_COMPANY_A = (
    "Aurora", "Vértice", "Nexum", "Atlântica", "Boreal", "Solaris", "Cedro", "Horizonte", "Ametista",
    "Quantix",
    "Orbital", "Tamarindo", "Itapuã", "Marajó", "Pampa", "Serra Azul", "Vale Norte", "Guaraci", "Andorinha",
    "Carnaúba", "Jequitibá", "Ipê Roxo", "Lumina", "Astra", "Veritas", "Integra", "Sigma", "Prisma",
    "Nova Rota", "Maracá", "Tupiniquim", "Araucária", "Brisa", "Coral", "Delta Sul", "Estrela Guia",
)
_COMPANY_B = (
    "Tecnologia", "Seguros", "Varejo", "Energia", "Logística", "Bank", "Saúde", "Telecom", "Alimentos",
    "Mineração", "Participações", "Financeira", "Farmacêutica", "Automotiva", "Agronegócio", "Consultoria",
    "Engenharia", "Papel e Celulose", "Bebidas", "Educação", "Sistemas", "Digital", "Química", "Transportes",
)
_COMPANY_SUFFIX = ("", "", "", " S.A.", " Ltda.", " Brasil", " do Brasil")
_INSTITUTIONS = (
    "Universidade Horizonte Paulista", "Faculdade de Tecnologia Vale do Cedro",
    "Centro Universitário Atlântico",
    "Universidade Estadual do Planalto", "Faculdade Integrada Serra Azul", "Instituto Superior Boreal",
    "Universidade Federal do Vale Norte", "Centro Universitário Nova Rota", "Faculdade Jequitibá de Negócios",
    "Universidade Católica Andorinha", "Faculdade de Informática Prisma", "Escola Técnica Estadual Sigma",
)

# nivel profissional -> ordinal seniority (1 junior ... 5 manager)
_LEVEL_ORD = {
    "Assistente": 1, "Trainee": 1, "Júnior": 1, "Auxiliar": 1, "Analista": 2, "Pleno": 2, "Sênior": 3,
    "Especialista": 3, "Líder": 4, "Supervisor": 4, "Coordenador": 4, "Gerente": 5,
}
_VAGA_LEVELS = (("Analista", 38), ("Sênior", 28), ("Pleno", 20), ("Júnior", 5), ("Especialista", 3),
                ("Gerente", 2), ("Coordenador", 1.5), ("Líder", 1), ("Supervisor", 1), ("Assistente", 0.5))
_APP_LEVELS = (("Pleno", 24), ("Sênior", 22), ("Analista", 16), ("Júnior", 14), ("Especialista", 6),
               ("Assistente", 6), ("Coordenador", 4), ("Gerente", 3), ("Líder", 3), ("Trainee", 2))
_LANG = ("Nenhum", "Básico", "Intermediário", "Avançado", "Fluente")
_LANG_EN = ("none", "basic", "intermediate", "advanced", "fluent")
_VAGA_ENGLISH = (("Nenhum", 0, 28), ("Básico", 1, 36), ("Técnico", 1, 4), ("Intermediário", 2, 6),
                 ("Avançado", 3, 12), ("Fluente", 4, 14))
_VAGA_SPANISH = (("Nenhum", 50), ("Básico", 39), ("Intermediário", 3), ("Fluente", 7), ("Avançado", 1))
_VAGA_ACADEMIC = (("Ensino Superior Completo", 67), ("Ensino Médio Completo", 15),
                  ("Ensino Técnico Completo", 11),
                  ("Ensino Superior Cursando", 4), ("Ensino Superior Incompleto", 3))
_APP_ACADEMIC = (("Ensino Superior Completo", 40), ("Pós Graduação Completo", 15),
                 ("Ensino Superior Cursando", 10), ("Ensino Médio Completo", 8),
                 ("Ensino Superior Incompleto", 7), ("Pós Graduação Cursando", 6),
                 ("Ensino Técnico Completo", 6), ("Pós Graduação Incompleto", 3), ("Mestrado Completo", 2))
_TIPOS = (("PJ/Autônomo, CLT Full", 38), ("PJ/Autônomo", 33), ("CLT Full", 16), ("CLT Cotas", 4),
          ("Cooperado", 4), ("Hunting", 3), ("Hunting, PJ/Autônomo, CLT Full", 1), ("Estagiário", 1))
_SOURCES = ("Site de Empregos", "Indeed", "LinkedIn", "Indicação", "Outros", "Anúncio", "Nosso site")

_DATE0 = date(2019, 1, 2).toordinal()
_DATE1 = date(2024, 10, 31).toordinal()


# --------------------------------------------------------------------------------------------------------
# Small helpers.
# --------------------------------------------------------------------------------------------------------


def _wchoice(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _skewed(rng: random.Random, items: tuple[str, ...], k: int, exclude: Iterable[str] = ()) -> list[str]:
    """Up to ``k`` distinct items, favouring the first (core) ones, in draw order."""
    out: list[str] = []
    taken = set(exclude)
    k = min(k, len(items) - len(taken & set(items)))
    while len(out) < k:
        item = items[int(len(items) * rng.random() ** 1.7)]
        if item not in taken:
            taken.add(item)
            out.append(item)
    return out


def _dmy(ordinal: int) -> str:
    return date.fromordinal(ordinal).strftime("%d-%m-%Y")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _slug(text: str, sep: str) -> str:
    return sep.join(_ascii(text).lower().split())


def _cpf(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(9)]
    if len(set(digits)) == 1:
        digits[0] = (digits[0] + 1) % 10
    for n in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(n, 1, -1), strict=True))
        digits.append((total * 10) % 11 % 10)
    s = "".join(map(str, digits))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def cpf_is_valid(cpf: str) -> bool:
    """Check the two CPF verification digits (helper for tests and the PII redactor)."""
    digits = [int(c) for c in cpf if c.isdigit()]
    if len(digits) != 11 or len(set(digits)) == 1:
        return False
    for n in (9, 10):
        total = sum(d * w for d, w in zip(digits[:n], range(n + 1, 1, -1), strict=True))
        if (total * 10) % 11 % 10 != digits[n]:
            return False
    return True


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _person(rng: random.Random) -> tuple[str, bool]:
    female = rng.random() < 0.45
    first = rng.choice(_FEMALE if female else _MALE)
    last = rng.choice(_SURNAMES)
    if last in _PARTICLES and rng.random() < 0.35:
        last = _PARTICLES[last] + last
    if rng.random() < 0.35:
        last = rng.choice(_SURNAMES) + " " + last
    return f"{first} {last}", female


def _company(rng: random.Random) -> str:
    a, b = rng.choice(_COMPANY_A), rng.choice(_COMPANY_B)
    name = f"Banco {a}" if b == "Bank" and rng.random() < 0.5 else f"{a} {b}"
    if rng.random() < 0.12:
        name = "Grupo " + name
    return name + rng.choice(_COMPANY_SUFFIX)


# --------------------------------------------------------------------------------------------------------
# Profiles: the few attributes the prospects plan needs, drawn from per-record generators.
# --------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Vaga:
    vid: str
    area: int
    role: str
    focus: str
    titulo: str
    nivel: str
    level: int
    ingles: str
    english: int
    required: tuple[str, ...]
    day: int
    tipo: str
    modalidade: str
    analista: str
    city: int


@dataclass(slots=True)
class _Applicant:
    codigo: str
    nome: str
    female: bool
    area: int
    role: str
    focus: str
    nivel: str
    level: int
    english: int
    spanish: int
    skills: tuple[str, ...]
    city: int
    years: int


# Roles whose name already says the level: the title stays as is and the level follows it.
_IMPLIED_LEVEL = {"Coordenador": "Coordenador", "Gerente": "Gerente", "Supervisor": "Supervisor",
                  "Assistente": "Assistente", "Auxiliar": "Assistente", "Recepcionista": "Assistente"}


def _level_title(rng: random.Random, area: _Area, role: str, nivel: str) -> str:
    if role.split()[0] in _IMPLIED_LEVEL:
        return role
    level = _LEVEL_ORD[nivel]
    if level >= 4:
        leads = [t for t in area.leads if t.startswith(nivel)]
        return rng.choice(leads) if leads and rng.random() < 0.7 else f"{nivel} de {_TEAMS[area.key]}"
    if nivel == "Especialista":
        return f"{role} Especialista" if rng.random() < 0.5 else f"Especialista {role.split(' ', 1)[-1]}"
    if nivel in ("Analista", "Assistente", "Trainee"):
        if role.startswith(("Analista", "Assistente", "Auxiliar")):
            return role
        return role if rng.random() < 0.5 else f"{role} Pleno"
    suffix = {"Júnior": ("Júnior", "Jr", "Junior"), "Pleno": ("Pleno", "Pl", "Pleno"),
              "Sênior": ("Sênior", "Sr", "Senior")}[nivel]
    return f"{role} {rng.choice(suffix)}"


def _vaga_profile(seed: int, i: int, staff: list[str]) -> _Vaga:
    rng = random.Random(f"{seed}:vaga:{i}")
    ai = rng.choices(range(len(_AREAS)), weights=_VAGA_AREA_W)[0]
    area = _AREAS[ai]
    role, focus = rng.choice(area.roles)
    nivel = _IMPLIED_LEVEL.get(role.split()[0]) or _wchoice(rng, _VAGA_LEVELS)
    titulo = _level_title(rng, area, role, nivel)
    r = rng.random()
    if r < 0.08:
        titulo = titulo.upper()
    elif r < 0.11:
        titulo += " -"
    eng = rng.choices(_VAGA_ENGLISH, weights=[e[2] for e in _VAGA_ENGLISH])[0]
    required = (focus, *_skewed(rng, area.skills, rng.randint(3, 6), exclude=(focus,)))
    tipo = _wchoice(rng, _TIPOS)
    modalidade = ""
    if rng.random() < 0.07:
        modalidade = ("PJ" if "PJ" in tipo else "Cooperado" if tipo == "Cooperado"
                      else rng.choice(("CLT", "CLT - Estratégico")))
    city = rng.choices(range(len(_CITIES)), weights=[c[5] for c in _CITIES])[0]
    return _Vaga(
        vid=str(VAGA_ID_START + i), area=ai, role=role, focus=focus, titulo=titulo, nivel=nivel,
        level=_LEVEL_ORD[nivel], ingles=eng[0], english=eng[1], required=required,
        day=rng.randint(_DATE0, _DATE1), tipo=tipo, modalidade=modalidade, analista=rng.choice(staff),
        city=city,
    )


def _applicant_profile(seed: int, i: int) -> _Applicant:
    rng = random.Random(f"{seed}:applicant:{i}")
    nome, female = _person(rng)
    ai = rng.choices(range(len(_AREAS)), weights=_APP_AREA_W)[0]
    area = _AREAS[ai]
    role, focus = rng.choice(area.roles)
    nivel = _IMPLIED_LEVEL.get(role.split()[0]) or _wchoice(rng, _APP_LEVELS)
    level = _LEVEL_ORD[nivel]
    english = rng.choices(range(5), weights=(12, 33, 27, 16, 12))[0]
    if (level >= 3 or area.key in ("sap", "cloud", "java")) and english < 4 and rng.random() < 0.3:
        english += 1
    if not area.it and english > 0 and rng.random() < 0.3:
        english -= 1
    spanish = rng.choices(range(5), weights=(40, 40, 12, 4, 4))[0]
    skills = [focus, *_skewed(rng, area.skills, rng.randint(3, 8), exclude=(focus,))]
    if area.related and rng.random() < 0.5:
        other = _AREAS[_AREA_INDEX[rng.choice(area.related)]]
        skills += _skewed(rng, other.skills, rng.randint(1, 3), exclude=skills)
    if area.it and rng.random() < 0.4:
        skills += _skewed(rng, ("Git", "Scrum", "Jira", "SQL", "Linux", "Excel Avançado"), 1, exclude=skills)
    years = max(0, {1: 2, 2: 5, 3: 10, 4: 13, 5: 16}[level] + rng.randint(-2, 6))
    city = rng.choices(range(len(_CITIES)), weights=[c[6] for c in _CITIES])[0]
    return _Applicant(
        codigo=str(APPLICANT_ID_START + i), nome=nome, female=female, area=ai, role=role, focus=focus,
        nivel=nivel, level=level, english=english, spanish=spanish, skills=tuple(skills), city=city,
        years=years,
    )


def _match(v: _Vaga, a: _Applicant) -> float:
    """0..1 fit between a vaga and an applicant: area, required skills, seniority and English."""
    if a.area == v.area:
        area = 1.0
    elif _AREAS[a.area].key in _AREAS[v.area].related or _AREAS[v.area].key in _AREAS[a.area].related:
        area = 0.4
    else:
        area = 0.0
    have = set(a.skills)
    skills = sum(1 for s in v.required if s in have) / len(v.required)
    level = {0: 1.0, 1: 0.5}.get(abs(a.level - v.level), 0.0)
    english = 1.0 if a.english >= v.english else 0.5 if a.english == v.english - 1 else 0.0
    return 0.4 * area + 0.3 * skills + 0.15 * level + 0.15 * english


# --------------------------------------------------------------------------------------------------------
# Prospects plan (who applied to which vaga, with which outcome).
# --------------------------------------------------------------------------------------------------------

# (applicant index, status, candidatura day, atualização day, comentário, recrutador)
_Prospect = tuple[int, str, int, int, str, str]
_BINS = 80
_LO, _HI = -0.3, 1.3


def _bin(m: float) -> int:
    return min(_BINS - 1, max(0, int((m - _LO) / (_HI - _LO) * _BINS)))


def _calibrate(hist: list[int], boost: float) -> list[tuple[list[float], list[float]]]:
    """Per score bin, cumulative status weights whose mixture over ``hist`` matches STATUS_MIX.

    Hire statuses are multiplied by ``boost``; the second list of each bin leaves them out.
    """
    names = list(STATUS_MIX)
    total_mix = sum(STATUS_MIX.values())
    target = [STATUS_MIX[s] / total_mix * (boost if s in HIRE_STATUSES else 1.0) for s in names]
    norm = sum(target)
    target = [t / norm for t in target]
    centre = sum((_LO + (b + 0.5) * (_HI - _LO) / _BINS) * c for b, c in enumerate(hist)) / max(1, sum(hist))
    lift = [[math.exp(_STATUS_SLOPE[s] * (_LO + (b + 0.5) * (_HI - _LO) / _BINS - centre)) for s in names]
            for b in range(_BINS)]
    base = list(target)
    n = max(1, sum(hist))
    for _ in range(60):
        mean = [0.0] * len(names)
        for b, count in enumerate(hist):
            if not count:
                continue
            w = [base[j] * lift[b][j] for j in range(len(names))]
            z = sum(w)
            for j in range(len(names)):
                mean[j] += count * w[j] / z
        base = [base[j] * target[j] / (mean[j] / n) if mean[j] else base[j] for j in range(len(names))]
    cums = []
    for b in range(_BINS):
        acc, acc_no, cum, cum_no = 0.0, 0.0, [], []
        for j, name in enumerate(names):
            w = base[j] * lift[b][j]
            acc += w
            acc_no += 0.0 if name in HIRE_STATUSES else w
            cum.append(acc)
            cum_no.append(acc_no)
        cums.append((cum, cum_no))
    return cums


def _pick_applicant(rng: random.Random, v: _Vaga, pools: list[list[int]], n_apps: int, seen: set[int]) -> int:
    related = _AREAS[v.area].related
    for _ in range(30):
        r = rng.random()
        if r < 0.62 and pools[v.area]:
            pool = pools[v.area]
        elif r < 0.80 and related:
            pool = pools[_AREA_INDEX[rng.choice(related)]]
        else:
            pool = []
        idx = pool[rng.randrange(len(pool))] if pool else rng.randrange(n_apps)
        if idx not in seen:
            return idx
    start = rng.randrange(n_apps)
    for k in range(n_apps):
        idx = (start + k) % n_apps
        if idx not in seen:
            return idx
    raise ValueError("no free applicant left for this vaga")


def _plan(
    seed: int, vagas: list[_Vaga], apps: list[_Applicant], n_prospects: int, staff: list[str]
) -> list[list[_Prospect]]:
    rng = random.Random(f"{seed}:plan")
    n_v, n_a = len(vagas), len(apps)
    plan: list[list[_Prospect]] = [[] for _ in range(n_v)]
    if n_prospects <= 0:
        return plan
    if not n_v or not n_a:
        raise ValueError("prospects need at least one vaga and one applicant")
    cap = min(n_a, max(30, 4 * math.ceil(n_prospects / n_v)))
    if cap * n_v < n_prospects:
        raise ValueError(f"cannot place {n_prospects} distinct prospects in {n_v} vagas x {n_a} applicants")
    weights = [rng.lognormvariate(0.0, 0.6) for _ in range(n_v)]
    counts = [0] * n_v
    for j in rng.choices(range(n_v), weights=weights, k=n_prospects):
        counts[j] += 1
    excess = sum(max(0, c - cap) for c in counts)
    counts = [min(c, cap) for c in counts]
    while excess:
        j = rng.randrange(n_v)
        if counts[j] < cap:
            counts[j] += 1
            excess -= 1

    pools: list[list[int]] = [[] for _ in _AREAS]
    for idx, a in enumerate(apps):
        pools[a.area].append(idx)

    # Who applies where, and how well they fit (plus unobserved interview performance).
    chosen: list[list[tuple[int, float]]] = []
    hist = [0] * _BINS
    for v, k in zip(vagas, counts, strict=True):
        seen: set[int] = set()
        row = []
        for _ in range(k):
            idx = _pick_applicant(rng, v, pools, n_a, seen)
            seen.add(idx)
            m = _match(v, apps[idx]) + rng.gauss(0.0, 0.12)
            hist[_bin(m)] += 1
            row.append((idx, m))
        chosen.append(row)

    names = list(STATUS_MIX)
    hire_share = sum(STATUS_MIX[x] for x in HIRE_STATUSES) / sum(STATUS_MIX.values())
    boost = 1.0
    for _attempt in range(6):  # the per-vaga hire cap removes hires: raise their odds until the share fits
        cums = _calibrate(hist, boost)
        statuses = _draw_statuses(random.Random(f"{seed}:status"), chosen, cums, names)
        hires = sum(s in HIRE_STATUSES for row in statuses for s in row)
        if not hires or abs(hires / n_prospects - hire_share) < 0.02 * hire_share:
            break
        boost *= hire_share * n_prospects / hires

    rng = random.Random(f"{seed}:plan-details")
    for vi, (v, row) in enumerate(zip(vagas, chosen, strict=True)):
        for (idx, _m), status in zip(row, statuses[vi], strict=True):
            applied = v.day + rng.randint(0, 40)
            if status in ("Prospect", "Inscrito") and rng.random() < 0.7:
                updated = applied
            elif status in HIRE_STATUSES or status in ("Documentação PJ", "Desistiu da Contratação"):
                updated = applied + rng.randint(7, 60)
            else:
                updated = applied + rng.randint(0, 30)
            recruiter = v.analista if rng.random() < 0.75 else rng.choice(staff)
            plan[vi].append((idx, status, applied, updated, _comment(rng, status, v, applied), recruiter))
    return plan


def _draw_statuses(
    rng: random.Random, chosen: list[list[tuple[int, float]]], cums: list[tuple[list[float], list[float]]],
    names: list[str],
) -> list[list[str]]:
    """Sample each prospect's status from its score bin; a vaga keeps at most one or two hires."""
    out = []
    for row in chosen:
        statuses = []
        for _idx, m in row:
            cum = cums[_bin(m)][0]
            statuses.append(names[min(len(names) - 1, bisect.bisect_right(cum, rng.random() * cum[-1]))])
        max_hires = 1 if rng.random() < 0.8 else 2
        hired = sorted((j for j, s in enumerate(statuses) if s in HIRE_STATUSES), key=lambda j: -row[j][1])
        for j in hired[max_hires:]:  # someone else got the job: redraw among the non-hire outcomes
            cum = cums[_bin(row[j][1])][1]
            statuses[j] = names[min(len(names) - 1, bisect.bisect_right(cum, rng.random() * cum[-1]))]
        out.append(statuses)
    return out


def _rate(rng: random.Random, level: int) -> int:
    return rng.randint(35, 70) + 25 * (level - 1) + rng.choice((0, 0, 5, 10))


def _salary(rng: random.Random, level: int, it: bool) -> int:
    base = (2500, 5000, 9000, 13000, 17000)[level - 1] * (1.0 if it else 0.7)
    return int(base * rng.uniform(0.8, 1.35)) // 100 * 100


def _comment(rng: random.Random, status: str, v: _Vaga, applied: int) -> str:
    it = _AREAS[v.area].it
    pj = f"PJ R$ {_rate(rng, v.level)},00/hora"
    clt = f"CLT R$ {_money(_salary(rng, v.level, it))},00"
    start = date.fromordinal(applied + rng.randint(15, 50)).strftime("%d/%m")
    gestor = rng.choice(("", "", rng.choice(_FEMALE + _MALE).split()[0]))
    r = rng.random()
    if status in ("Prospect", "Inscrito"):
        if r < 0.8:
            return ""
        return rng.choice((
            "sem retorno do candidato", "candidato não atende ligações, enviado e-mail",
            "aguardando retorno sobre disponibilidade", "perfil interessante, agendar conversa",
            "não está aberto a propostas no momento", f"Pretensão {clt}", "candidatura pelo site",
        ))
    if status == "Encaminhado ao Requisitante":
        if r < 0.35:
            return ""
        return rng.choice((
            f"Encaminhado para {gestor} - {pj}", f"Encaminhado para {gestor} - {clt}",
            f"Pretensão {clt} / imediata",
            f"Pretensão {pj}", f"Pretensão {clt} - disponível em 30 dias", "aguardando feedback do cliente",
            f"Cliente: {v.titulo} / Pretensão: {pj}",
        ))
    if status.startswith("Não Aprovado"):
        if r < 0.4:
            return ""
        return rng.choice((
            "candidato sem fit técnico", "cliente optou por outro candidato",
            "reprovado na entrevista técnica",
            "fora do budget do cliente", "pretensão acima do budget da vaga", "não compareceu na entrevista",
            "perfil não aderente à vaga", "comunicação abaixo do esperado para a posição",
            "pouca experiência com " + v.focus, "vaga congelada pelo cliente",
        ))
    if status in ("Desistiu", "Desistiu da Contratação"):
        if r < 0.4:
            return ""
        return rng.choice((
            "aceitou outra proposta", "não tem interesse em PJ", "recebeu contraproposta da empresa atual",
            "desistiu por causa da localização", "valor abaixo da pretensão",
            "sem disponibilidade para início",
        ))
    if status in HIRE_STATUSES:
        if r < 0.25:
            return ""
        return rng.choice((
            f"aprovado pelo cliente, início em {start}", f"Contratado {clt} - início em {start}",
            f"Contratado {pj}", "proposta aceita, aguardando documentação", f"início previsto para {start}",
        ))
    if status in ("Entrevista Técnica", "Entrevista com Cliente"):
        return rng.choice(("", f"entrevista agendada para {start} às {rng.randint(9, 17)}h",
                           "aguardando agenda do gestor"))
    if status == "Em avaliação pelo RH":
        return rng.choice(("", "em análise de currículo", f"Pretensão {clt}"))
    if status == "Documentação PJ":
        return rng.choice(("", "aguardando contrato social e cartão CNPJ"))
    return ""


def _staff_name(seed: int, k: int) -> str:
    return _person(random.Random(f"{seed}:staff:{k}"))[0]


# --------------------------------------------------------------------------------------------------------
# Full records.
# --------------------------------------------------------------------------------------------------------


def _activities(rng: random.Random, area: _Area, focus: str, k: int) -> list[str]:
    """``k`` distinct activity phrases of the area, those about the focus skill first more often."""
    key = focus.lower()
    pool = [p.replace("{f}", focus) for p in area.activities]
    pool += rng.sample(_IT_GENERIC if area.it else _BIZ_GENERIC, 3)
    rng.shuffle(pool)
    pool.sort(key=lambda p: 0 if key in p.lower() and rng.random() < 0.8 else 1)
    return pool[:k]


def _vaga_record(seed: int, i: int, v: _Vaga, staff: list[str]) -> dict[str, object]:
    rng = random.Random(f"{seed}:vaga-text:{i}")
    area = _AREAS[v.area]
    city, state = _CITIES[v.city][0], _CITIES[v.city][1]
    cliente = _company(rng)

    limite = rng.random()
    limite_s = ("00-00-0000" if limite < 0.33 else "01-01-1970" if limite < 0.45
                else _dmy(v.day + rng.randint(7, 40)))
    basicas: dict[str, str] = {
        "data_requicisao": _dmy(v.day),
        "limite_esperado_para_contratacao": limite_s,
        "titulo_vaga": v.titulo,
        "vaga_sap": "Sim" if area.key == "sap" and rng.random() < 0.85 else "Não",
        "cliente": cliente,
        "solicitante_cliente": _person(rng)[0],
        "empresa_divisao": "Decision São Paulo" if rng.random() < 0.94 else "Decision Campinas",
        "requisitante": _person(rng)[0],
        "analista_responsavel": v.analista,
        "tipo_contratacao": v.tipo,
        "prazo_contratacao": _wchoice(rng, (("", 44), ("Determinado", 42), ("Indeterminado", 14))),
    }
    variant = rng.random()
    if 0.56 <= variant < 0.98:
        start = v.day + rng.randint(7, 30)
        basicas["data_inicial"] = _dmy(start)
        basicas["data_final"] = _dmy(start + rng.choice((90, 120, 180, 180, 270, 365)))
    basicas["objetivo_vaga"] = _wchoice(rng,
                                        (("Contratação", 72), ("", 26), ("Prospecção", 1.5), ("RFP", 0.5)))
    basicas["prioridade_vaga"] = _wchoice(rng, (
        ("Alta: Alta complexidade 3 a 5 dias", 46), ("", 34), ("Média: Média complexidade 6 a 10 dias", 19),
        ("Baixa: Baixa complexidade 11 a 30 dias", 1)))
    basicas["origem_vaga"] = _wchoice(rng, (("", 65), ("Nova Posição", 33), ("Substituição", 2)))
    if variant >= 0.98:
        basicas["nome_substituto"] = rng.choice(("", _person(rng)[0]))
    basicas["superior_imediato"] = "Superior Imediato:"
    if variant < 0.56 or variant >= 0.98:
        basicas["nome"] = ""
    if variant < 0.56:
        basicas["telefone"] = ""

    # principais_atividades: a few bullet lines, ~400-900 characters.
    target = rng.randint(400, 900)
    sector = rng.choice(_SECTORS)
    intro = f"Descrição da vaga:\n{v.titulo} para atuar em projeto de cliente do setor {sector}."
    head = rng.choice(("", "Principais atividades:\n", "Atividades:\n", intro + "\n\nAtividades:\n"))
    bullet = rng.choice(("• ", "- ", "- "))
    lines: list[str] = []
    length = len(head)
    generic = set(_IT_GENERIC + _BIZ_GENERIC)
    for act in _activities(rng, area, v.focus, 16):
        prefix = "" if act in generic else rng.choice(("", "", "Atuar com ", "Responsável por ", "Realizar "))
        line = bullet + (prefix + act if prefix else _cap(act))
        lines.append(line)
        length += len(line) + 1
        if length >= target and len(lines) >= 3:
            break
    atividades = head + "\n".join(lines)

    req_head = rng.choice(("Requisitos:", "Competências técnicas:", "Requisitos obrigatórios:",
                           "Conhecimentos necessários:"))
    req = list(v.required)
    comp = [req_head, f"{bullet}Experiência comprovada como {v.role}"
            + ("" if req[0].lower() in v.role.lower() else f" com {req[0]}")]
    templates = ("Conhecimento sólido em {}", "Vivência com {}", "Experiência com {}", "Domínio de {}")
    rest = req[1:]
    while rest:
        n_take = rng.randint(1, 2)
        take, rest = rest[:n_take], rest[n_take:]
        comp.append(bullet + rng.choice(templates).format(" e ".join(take)))
    if v.english >= 2:
        comp.append(f"{bullet}Inglês {v.ingles.lower()} para reuniões com equipes globais")
    comp.append("")
    comp.append(rng.choice(("Competências comportamentais:", "Perfil:", "Soft skills:")))
    comp += [bullet + b for b in rng.sample(_BEHAVIOURAL, rng.randint(2, 4))]
    if rng.random() < 0.5:
        comp += ["", "Diferenciais:", bullet + "Certificação " + rng.choice(area.certs)]
        extra = _skewed(rng, area.skills, 1, exclude=req)
        if extra:
            comp.append(bullet + "Conhecimento em " + extra[0])
    competencias = "\n".join(comp)
    if rng.random() < 0.02:
        atividades, competencias = "", ""

    ingles_req = v.ingles
    obs = rng.random()
    if obs < 0.47:
        observacoes = ""
    else:
        rate = _rate(rng, v.level)
        observacoes = rng.choice((
            "100% remoto", "Modelo híbrido - 3x por semana no cliente", f"Rate: até R$ {rate},00/h",
            f"Contratação CLT Full pela Decision, alocação no cliente {cliente}",
            "Início imediato, previsão de 6 meses com possibilidade de extensão",
            "Enviar CVs apenas em inglês",
            f"Budget: R$ {rate},00/h (PJ)", f"Local = {city}, presencial", "Projeto de 12 meses, remoto",
        ))
    perfil: dict[str, str] = {
        "pais": "Brasil",
        "estado": state,
        "cidade": city,
        "bairro": "",
        "regiao": "",
        "local_trabalho": "2000" if rng.random() < 0.99 else "1000",
        "vaga_especifica_para_pcd": "Sim" if v.tipo == "CLT Cotas" or rng.random() < 0.01 else "Não",
        "faixa_etaria": "De: Até:",
        "horario_trabalho": _wchoice(rng, (("", 94), ("9 as 18", 3), ("Comercial", 2), ("08h às 17h", 1))),
        "nivel profissional": v.nivel,
        "nivel_academico": _wchoice(rng, _VAGA_ACADEMIC),
        "nivel_ingles": ingles_req,
        "nivel_espanhol": _wchoice(rng, _VAGA_SPANISH),
        "outro_idioma": "" if rng.random() < 0.99 else rng.choice(("Francês", "Alemão", "Italiano")),
        "areas_atuacao": (area.vaga_label if not area.it or rng.random() < 0.75
                          else "Gestão e Alocação de Recursos de TI-"),
        "principais_atividades": atividades,
        "competencia_tecnicas_e_comportamentais": competencias,
    }
    if rng.random() < 0.39:
        perfil["habilidades_comportamentais_necessarias"] = rng.choice((
            "", "", f"Duração do projeto = {rng.choice((3, 6, 12))} meses\n\nLocal = Remoto",
            "Alocação por tempo indeterminado", "Remoto, o profissional precisa ter equipamento próprio",
            f"Cliente: {cliente}", "Possibilidade de efetivação",
        ))
        perfil["demais_observacoes"] = observacoes
        perfil["viagens_requeridas"] = _wchoice(rng, (("", 56), ("Não", 43), ("Sim", 1)))
    else:
        perfil["demais_observacoes"] = observacoes
        perfil["viagens_requeridas"] = _wchoice(rng, (("", 56), ("Não", 43), ("Sim", 1)))
        perfil["equipamentos_necessarios"] = "Notebook padrão -" if rng.random() < 0.7 else "Nenhum -"

    r = rng.random()
    if r < 0.5:
        venda = "-"
    elif r < 0.92:
        venda = "- p/ mês (168h)"
    else:
        venda = f"{_rate(rng, v.level) + 30},00 -" + rng.choice(("", " p/ hora"))
    beneficios = {
        "valor_venda": venda,
        "valor_compra_1": _wchoice(rng, (("fechado", 42), ("R$", 21), ("hora", 19), ("Valor Aberto", 8),
                                         ("Mensal", 3), ("Valor Aberto - CLT full ou PJ", 7))),
        "valor_compra_2": "" if rng.random() < 0.99 else f"{_rate(rng, v.level)},00",
    }
    return {"informacoes_basicas": basicas, "perfil_vaga": perfil, "beneficios": beneficios}


def _phone(rng: random.Random, ddd: int) -> tuple[str, str, str]:
    """(formatted "(11) 98765-4321", "+55 11 9 8765-4321" style, "+55 (11) 98765-4321" style)."""
    a, b = rng.randint(1000, 9999), rng.randint(0, 9999)
    return (f"({ddd}) 9{a}-{b:04d}", f"+55 {ddd} 9 {a}-{b:04d}", f"+55 ({ddd}) 9{a}-{b:04d}")


def _months(m: int) -> str:
    return f"{m % 12 + 1:02d}/{m // 12}"


def _cv_pt(rng: random.Random, a: _Applicant, pii: dict[str, str], created: int, target: int,
           institution: str, course: str, grad_year: int, with_pii: bool) -> str:
    area = _AREAS[a.area]
    city, uf = _CITIES[a.city][0], _CITIES[a.city][2]
    today = date.fromordinal(created)
    now_m = today.year * 12 + today.month - 1

    header = [a.role if rng.random() < 0.5 else _level_title(rng, area, a.role, a.nivel), "", a.nome,
              f"{city} - {uf}"]
    if with_pii:
        options = [
            f"e-mail: {pii['email']}",
            rng.choice((f"telefone: {pii['phone_alt']}", f"celular: {pii['phone']}",
                        f"tel.: {pii['phone_intl']}")),
            f"data de nascimento: {pii['birth_slash']}" if pii["birth_slash"] else "",
            f"cpf: {pii['cpf']}" if pii["cpf"] else "",
            f"{pii['street']} - cep {pii['cep']}",
            pii["linkedin"],
        ]
        options = [o for o in options if o]
        header += rng.sample(options, min(len(options), rng.randint(2, 4)))
    header.append("")

    objetivo = [rng.choice(("objetivo", "objetivo profissional")),
                rng.choice((f"atuar como {a.role}", f"oportunidade na área de {area.desc}",
                            f"atuar na área de {area.desc}, contribuindo com minha experiência")), ""]
    focus_skills = ", ".join(a.skills[:3])
    resumo_lines = [
        (f"profissional com {max(1, a.years)} anos de experiência em {area.desc}, com passagens por "
         f"empresas dos setores {rng.choice(_SECTORS)} e {rng.choice(_SECTORS)}."),
        f"conhecimentos em {focus_skills}.",
    ]
    extra_summary = [
        "perfil analítico, organizado e com facilidade para trabalhar em equipe.",
        "experiência em projetos com metodologias ágeis e atendimento a clientes de grande porte.",
        "facilidade de aprendizado e boa comunicação com áreas técnicas e de negócio.",
        "busco desafios que permitam crescimento profissional e entrega de valor ao cliente.",
    ]
    resumo_head = rng.choice(("resumo profissional", "resumo", "perfil profissional", "qualificações"))

    # Jobs, newest first, each with a few activities; grown until the target length.
    n_jobs = rng.randint(2, 4)
    jobs: list[tuple[str, str, list[str]]] = []  # (company and period, title, activities)
    end = now_m if rng.random() < 0.7 else now_m - rng.randint(1, 8)
    current = end == now_m
    span = max(12 * a.years, 6 * n_jobs)
    for j in range(n_jobs):
        length = max(4, int(span / n_jobs * rng.uniform(0.5, 1.5)))
        start = end - length
        ladder = max(0, min(2, a.level - 1) - j)  # earlier jobs one step less senior
        title = a.role if j == 0 else _level_title(rng, area, a.role, ("Júnior", "Pleno", "Sênior")[ladder])
        period = f"{_months(start)} a {'atual' if j == 0 and current else _months(end)}"
        jobs.append((f"{_company(rng).lower()} \u2013 {period}", title, _activities(rng, area, a.focus, 2)))
        end = start - rng.randint(0, 4)
    courses = [f"{course}, {institution} \u2013 " + (f"conclusão em {grad_year}" if grad_year <= today.year
                                                 else "cursando")]
    langs = ["idiomas", f"inglês {_LANG[a.english].lower()}", f"espanhol {_LANG[a.spanish].lower()}", ""]
    skills_block = [rng.choice(("habilidades", "conhecimentos técnicos", "competências")),
                    ", ".join(a.skills), ""]

    exp_head = rng.choice(("experiência profissional", "experiências", "histórico profissional"))
    edu_head = rng.choice(("formação acadêmica", "formação", "escolaridade"))
    inline = rng.random() < 0.35
    edu_first = rng.random() < 0.25

    def render() -> str:
        parts = list(header) + objetivo + [resumo_head, *resumo_lines, "", exp_head]
        for where, title, acts in jobs:
            parts += [where, f"cargo: {title}"]
            if inline:
                parts.append("principais atividades: " + "; ".join(acts) + ".")
            else:
                parts.append("principais atividades:")
                parts += [f"- {x}" for x in acts]
            parts.append("")
        edu = [edu_head, *courses, ""]
        if edu_first:
            parts[len(header):len(header)] = edu
        else:
            parts += edu
        parts += langs + skills_block
        return "\n".join(parts)

    extra_courses = [f"{c} \u2013 certificação" for c in area.certs] + [
        f"curso de {s} \u2013 {rng.choice(('udemy', 'alura', 'senai', 'fiap', 'coursera', 'senac'))}"
        for s in a.skills[:4]
    ]
    rng.shuffle(extra_courses)
    text = render()
    for _ in range(60):
        if len(text) >= target:
            break
        r = rng.random()
        acts = jobs[rng.randrange(len(jobs))][2]
        if r < 0.7:
            more = [x for x in _activities(rng, area, a.focus, 3) if x not in acts]
            if more:
                acts.append(more[0])
        elif r < 0.85 and extra_courses:
            courses.append(extra_courses.pop())
        elif extra_summary:
            resumo_lines.append(extra_summary.pop(rng.randrange(len(extra_summary))))
        text = render()
    return text.lower()


def _cv_en(rng: random.Random, a: _Applicant, course: str) -> str:
    area = _AREAS[a.area]
    lines = [a.nome, "", "professional summary",
             f"{a.role.lower()} with {max(1, a.years)} years of experience in {area.desc_en}.",
             "", "skills", ", ".join(a.skills), "", "experience"]
    for _ in range(rng.randint(2, 3)):
        years = rng.randint(1, 6)
        lines.append(f"{_company(rng)} \u2013 {years} year{'s' if years > 1 else ''}")
        s = rng.sample(a.skills, min(3, len(a.skills)))
        lines.append(f"- worked on {area.desc_en} projects using {', '.join(s)}")
        lines.append(rng.choice(("- supported business users and documented solutions",
                                 "- collaborated with international teams in agile squads",
                                 "- delivered improvements that reduced incidents and manual work")))
        lines.append("")
    lines += ["education", f"bachelor's degree ({course.lower()})", "", "languages",
              f"portuguese native, english {_LANG_EN[a.english]}"]
    return "\n".join(lines)


def _applicant_record(seed: int, i: int, a: _Applicant, first_day: int | None, cv_chars: int,
                      staff: list[str]) -> dict[str, object]:
    rng = random.Random(f"{seed}:applicant-text:{i}")
    area = _AREAS[a.area]
    city, state, uf, ddd, (cep_lo, cep_hi) = _CITIES[a.city][:5]
    created = rng.randint(_DATE0 - 200, _DATE1) if first_day is None else first_day - rng.randint(0, 540)
    updated = created if rng.random() < 0.5 else created + rng.randint(0, 120)
    t1, t2 = rng.randrange(7 * 3600, 22 * 3600), rng.randrange(7 * 3600, 22 * 3600)

    def stamp(day: int, secs: int) -> str:
        return f"{_dmy(day)} {secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"

    first, last = a.nome.split()[0], a.nome.split()[-1]
    email = rng.choice((f"{first}.{last}", f"{first}_{last}", f"{first}{last}", f"{first[0]}.{last}"))
    email = _slug(email, "") + (str(rng.randint(1, 99)) if rng.random() < 0.35 else "")
    email = f"{email}@{rng.choice(_EMAIL_DOMAINS)}"
    phone, phone_alt, phone_intl = _phone(rng, ddd)
    recado = _phone(rng, ddd)[0] if rng.random() < 0.1 else ""
    birth_year = date.fromordinal(created).year - (22 + a.years + rng.randint(0, 8))
    birth = date(birth_year, 1, 1).toordinal() + rng.randint(0, 364)
    has_birth = rng.random() < 0.75
    cpf = _cpf(rng) if rng.random() < 0.6 else ""
    number = rng.randint(10, 2999)
    cep = f"{rng.randint(cep_lo, cep_hi):05d}-{rng.randint(0, 999):03d}"
    street = f"{rng.choice(_STREETS)}, {number}"
    full_address = f"{street} - {rng.choice(_BAIRROS)}, {city.lower()} - {uf.lower()}, cep {cep}"
    r = rng.random()
    endereco = full_address if r < 0.35 else state.lower() if r < 0.65 else ""
    slug = _slug(a.nome, "-")
    linkedin = rng.choice((f"https://www.linkedin.com/in/{slug}-{rng.getrandbits(24):06x}",
                           f"linkedin.com/in/{_slug(first + last, '')}{rng.randint(1, 999)}"))
    source = rng.choice(_SOURCES) if rng.random() < 0.4 else ""
    titulo = a.role if rng.random() < 0.5 else _level_title(rng, area, a.role, a.nivel)

    infos = {
        "telefone_recado": recado,
        "telefone": phone,
        "objetivo_profissional": titulo if rng.random() < 0.4 else "",
        "data_criacao": stamp(created, t1),
        "inserido_por": "pelo próprio candidato" if rng.random() < 0.15 else rng.choice(staff),
        "email": email,
        "local": f"{city}, {state}" if rng.random() < 0.45 else "",
        "sabendo_de_nos_por": source,
        "data_atualizacao": stamp(updated, t2 if updated > created else t1),
        "codigo_profissional": a.codigo,
        "nome": a.nome,
    }
    second_email = rng.random() < 0.1
    aceite = "Cadastro anterior ao registro de aceite"
    if rng.random() < 0.2:
        aceite = date.fromordinal(updated).strftime("%d/%m/%Y") + f" {t2 // 3600:02d}:{t2 // 60 % 60:02d}"
    pessoais: dict[str, str] = {"data_aceite": aceite}
    if rng.random() < 0.01:
        pessoais["download_cv"] = f"{a.codigo}.pdf"
    pessoais.update({
        "nome": a.nome,
        "cpf": cpf,
        "fonte_indicacao": f"{source}:" + (" " + rng.choice(("LinkedIn", "Infojobs", "Catho", "Vagas.com"))
                                           if source == "Site de Empregos" and rng.random() < 0.5 else ""),
        "email": email,
        "email_secundario": f"{_slug(a.nome, '.')}@{rng.choice(_EMAIL_DOMAINS)}" if second_email else "",
        "data_nascimento": _dmy(birth) if has_birth else "0000-00-00",
        "telefone_celular": phone,
        "telefone_recado": recado,
        "sexo": ("Feminino" if a.female else "Masculino") if rng.random() < 0.6 else "",
        "estado_civil": _wchoice(rng, (("", 40), ("Solteiro", 28), ("Casado", 24), ("União Estável", 5),
                                       ("Divorciado", 3))),
        "pcd": _wchoice(rng, (("", 50), ("Não", 49), ("Sim", 1))),
        "endereco": endereco,
        "skype": f"live:{_slug(first + last, '')}" if rng.random() < 0.05 else "",
        "url_linkedin": linkedin if rng.random() < 0.5 else "",
        "facebook": "",
    })
    remun = ""
    if rng.random() < 0.55:
        sal = _salary(rng, a.level, area.it)
        remun = rng.choice((str(sal), f"{_money(sal)},00", f"R$ {_money(sal)},00",
                            f"R$ {_rate(rng, a.level)},00/hora PJ"))
    profissionais = {
        "titulo_profissional": titulo if rng.random() < 0.75 else "",
        "area_atuacao": area.cand_label if rng.random() < 0.7 else "",
        "conhecimentos_tecnicos": ", ".join(a.skills) if rng.random() < 0.7 else "",
        "certificacoes": ", ".join(rng.sample(area.certs, rng.randint(1, min(2, len(area.certs)))))
        if rng.random() < 0.2 else "",
        "outras_certificacoes": f"Curso de {rng.choice(a.skills)}" if rng.random() < 0.1 else "",
        "remuneracao": remun,
        "nivel_profissional": a.nivel if rng.random() < 0.6 else "",
    }
    course = rng.choice(area.courses)
    institution = rng.choice(_INSTITUTIONS)
    grad_year = birth_year + 22 + rng.randint(0, 6)
    academico = _wchoice(rng, _APP_ACADEMIC) if rng.random() < 0.7 else ""
    formacao: dict[str, str] = {"nivel_academico": academico}
    if rng.random() < 0.15:
        formacao["instituicao_ensino_superior"] = institution if rng.random() < 0.5 else ""
        formacao["cursos"] = course if rng.random() < 0.9 else ""
        formacao["ano_conclusao"] = str(grad_year) if rng.random() < 0.85 else "0"
    formacao["nivel_ingles"] = _LANG[a.english] if rng.random() < 0.75 else ""
    formacao["nivel_espanhol"] = _LANG[a.spanish] if rng.random() < 0.75 else ""
    formacao["outro_idioma"] = "-" if rng.random() < 0.95 else rng.choice(
        ("Francês - Básico", "Italiano - Intermediário", "Alemão - Básico", "Português - Fluente"))

    pii = {
        "email": email, "phone": phone, "phone_alt": phone_alt, "phone_intl": phone_intl,
        "birth_slash": date.fromordinal(birth).strftime("%d/%m/%Y") if has_birth else "",
        "cpf": cpf or _cpf(rng), "street": street, "cep": cep, "linkedin": linkedin,
    }
    target = int(cv_chars * rng.uniform(0.75, 1.25))
    with_pii = rng.random() < 0.15
    cv_pt = _cv_pt(rng, a, pii, created, target, institution, course, grad_year, with_pii)
    if rng.random() < 0.005:
        cv_pt = ""
    cv_en = _cv_en(rng, a, course) if a.english >= 3 and rng.random() < 0.1 else ""
    return {
        "infos_basicas": infos,
        "informacoes_pessoais": pessoais,
        "informacoes_profissionais": profissionais,
        "formacao_e_idiomas": formacao,
        "cargo_atual": {},
        "cv_pt": cv_pt,
        "cv_en": cv_en,
    }


# --------------------------------------------------------------------------------------------------------
# Writing.
# --------------------------------------------------------------------------------------------------------


def _write_json_stream(path: Path, items: Iterable[tuple[str, object]]) -> int:
    """Write ``{key: value, ...}`` record by record, byte-identical to ``json.dumps(d, indent=1)``."""
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8", newline="\n") as f:
        f.write("{")
        for key, value in items:
            body = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")
            f.write(("\n " if n == 0 else ",\n ") + json.dumps(key, ensure_ascii=False) + ": " + body)
            n += 1
        f.write("\n}" if n else "}")
    tmp.replace(path)
    return n


def _progress(items: Iterable[int], total: int, desc: str, enabled: bool) -> Iterable[int]:
    if not enabled:
        return items
    try:
        from tqdm import tqdm
    except ImportError:
        return items
    return tqdm(items, total=total, desc=desc, unit="rec")


def generate(
    out_dir: Path,
    *,
    n_vagas: int = 300,
    n_applicants: int = 1000,
    n_prospects: int = 3000,
    cv_chars: int = 1600,
    seed: int = 42,
    progress: bool = False,
) -> dict[str, int]:
    """Write vagas.json, applicants.json and prospects.json into ``out_dir`` and return the counts.

    Deterministic: the same arguments give byte-identical files.
    """
    if min(n_vagas, n_applicants, n_prospects) < 0 or cv_chars <= 0:
        raise ValueError("counts must be >= 0 and cv_chars > 0")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staff = [_staff_name(seed, k) for k in range(24)]
    vagas = [_vaga_profile(seed, i, staff) for i in range(n_vagas)]
    apps = [_applicant_profile(seed, i) for i in range(n_applicants)]
    plan = _plan(seed, vagas, apps, n_prospects, staff)

    first_day: list[int | None] = [None] * n_applicants
    hires = 0
    for row in plan:
        for idx, status, applied, *_ in row:
            day = first_day[idx]
            first_day[idx] = applied if day is None else min(day, applied)
            hires += status in HIRE_STATUSES

    def vaga_items() -> Iterator[tuple[str, object]]:
        for i in _progress(range(n_vagas), n_vagas, "vagas", progress):
            yield vagas[i].vid, _vaga_record(seed, i, vagas[i], staff)

    def applicant_items() -> Iterator[tuple[str, object]]:
        for i in _progress(range(n_applicants), n_applicants, "applicants", progress):
            yield apps[i].codigo, _applicant_record(seed, i, apps[i], first_day[i], cv_chars, staff)

    def prospect_items() -> Iterator[tuple[str, object]]:
        for i in _progress(range(n_vagas), n_vagas, "prospects", progress):
            v = vagas[i]
            rows = [
                {
                    "nome": apps[idx].nome,
                    "codigo": apps[idx].codigo,
                    "situacao_candidado": status,
                    "data_candidatura": _dmy(applied),
                    "ultima_atualizacao": _dmy(updated),
                    "comentario": comment,
                    "recrutador": recruiter,
                }
                for idx, status, applied, updated, comment, recruiter in plan[i]
            ]
            yield v.vid, {"titulo": v.titulo, "modalidade": v.modalidade, "prospects": rows}

    counts = {
        "vagas": _write_json_stream(out_dir / "vagas.json", vaga_items()),
        "applicants": _write_json_stream(out_dir / "applicants.json", applicant_items()),
    }
    _write_json_stream(out_dir / "prospects.json", prospect_items())
    counts["prospects"] = sum(len(row) for row in plan)
    counts["hires"] = hires
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.sample", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder for the three json files")
    parser.add_argument("--scale", choices=sorted(SCALES), default="sample")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    counts = generate(args.out, seed=args.seed, progress=not args.quiet, **SCALES[args.scale])
    print(" ".join(f"{k}={v}" for k, v in counts.items()) + f" -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
